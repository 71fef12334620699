import ArgumentParser
import Foundation
import Server

/// `slipway logs --app A [--lines N] [--tail]`: the app's log, stamped with time and source.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Show an app's log: dyno output, release phases and Slipway's own lines.",
        discussion: "With --tail, keeps printing new lines (polling the service every second) until Ctrl-C."
    )
    @Option(help: "The app.") var app: String
    @Option(name: .shortAndLong, help: "How many recent lines (1-1000).") var lines: Int = 100
    @Flag(name: [.customShort("t"), .long], help: "Keep printing new lines.") var tail = false
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard (1...1_000).contains(lines) else { throw ValidationError("--lines must be between 1 and 1000, got \(lines)") }
    }

    func run() async throws {
        let api = try client.client()
        var last = try await show(api, count: lines, after: nil)
        guard tail else { return }
        // Poll for lines newer than the last one shown; the service keeps the last 1,000 in memory.
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            last = try await show(api, count: 1_000, after: last) ?? last
        }
    }

    /// Prints the lines after `after` (all of them when it is nil or no longer held); returns the last printed.
    @discardableResult
    private func show(_ api: APIClient, count: Int, after: LogLineResource?) async throws -> LogLineResource? {
        let recent = try await fetch(api, count: count)
        let start = after.flatMap { seen in recent.lastIndex(of: seen).map { $0 + 1 } } ?? 0
        let fresh = Array(recent[start...])
        print(fresh)
        return fresh.last
    }

    private func fetch(_ api: APIClient, count: Int) async throws -> [LogLineResource] {
        let data = try await api.send("GET", "/apps/\(APIClient.segment(app))/logs?lines=\(count)")
        return try APIClient.decoder.decode([LogLineResource].self, from: data)
    }

    private func print(_ lines: [LogLineResource]) {
        if client.json {
            for line in lines {
                if let data = try? JSONEncoder().encode(line) { Swift.print(String(decoding: data, as: UTF8.self)) }
            }
        } else {
            for line in lines { Swift.print("\(line.time) \(line.source): \(line.text)") }
        }
    }
}
