import ArgumentParser
import Foundation
import Server

/// `slipway workers …`: the remote test workers the service knows (`slipway worker`), and draining one.
struct WorkersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers",
        abstract: "List remote test workers, or stop new leases to one.",
        subcommands: [WorkersList.self, WorkersDrain.self],
        defaultSubcommand: WorkersList.self
    )
}

struct WorkersList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list",
        abstract: "Workers with their slots, state, last heartbeat and current work.")
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let data = try await client.client().send("GET", "/workers")
        if client.json { return try printServerJSON(data) }
        let workers = try APIClient.decoder.decode([WorkerResource].self, from: data)
        if workers.isEmpty { return print("No remote workers (start one with 'slipway worker --server URL').") }
        print(Table(header: ["NAME", "SLOTS", "STATE", "LAST HEARTBEAT", "WORK"], rows: workers.map { worker in
            [worker.name, String(worker.slots), worker.state, Self.time(worker.lastHeartbeat), Self.work(worker.work)]
        }).lines.joined(separator: "\n"))
    }

    /// `12:03:04Z`: heartbeats are seconds apart.
    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: date) + "Z"
    }

    /// `run 1f2e… slot 3 batch 2 (4 files)` per leased slot.
    static func work(_ work: [WorkerResource.Work]) -> String {
        guard !work.isEmpty else { return "-" }
        return work.map { slot in
            "run \(slot.testRun.prefix(8)) slot \(slot.slot) "
                + (slot.batch.map { "batch \($0) (\(slot.files) files)" } ?? (slot.ready ? "idle" : "setting up"))
        }.joined(separator: "; ")
    }
}

struct WorkersDrain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drain",
        abstract: "Stop new leases to a worker; what it runs finishes.")
    @Argument(help: "The worker's name.") var name: String
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let data = try await client.client().send("POST", "/workers/\(APIClient.segment(name))/drain")
        if client.json { return try printServerJSON(data) }
        let worker = try APIClient.decoder.decode(WorkerResource.self, from: data)
        print("Worker \(worker.name) is \(worker.state): it gets no new leases.")
    }
}
