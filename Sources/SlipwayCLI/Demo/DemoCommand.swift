import ArgumentParser
import Foundation
import Server

/// `slipway demo [--once]`: the whole product on the embedded default, in one process.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Make a sample repository with three pull requests and run the whole flow on it.",
        discussion: """
        Starts the service on a fresh data dir, creates a pipeline for a sample repository (written through \
        libgit2) with a green, a red and a conflicting pull request, tests each test merge on 4 workers, \
        deploys review apps that answer through the router, lets the gate refuse the red and the conflicting \
        pull requests and merge the green one, deploys staging from the new main and promotes staging's build \
        to production. Then it keeps serving \
        until Ctrl-C, or exits with --once (0 when every step did what it said, 1 otherwise).
        """
    )

    @Flag(help: "Exit after the tour instead of serving.") var once = false
    @Option(help: "The data dir (default: a new temporary directory).") var dataDir: String?
    @Option(help: "The API's port (another free one when taken).") var apiPort: Int = 5100
    @Option(help: "The router's port (another free one when taken).") var routerPort: Int = 5000

    func run() async throws {
        let directory: URL
        if let dataDir {
            directory = URL(fileURLWithPath: dataDir).standardizedFileURL
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("slipway.sqlite").path) {
                throw CLIFailure.usage("--data-dir: \(directory.path) holds a Slipway store already; the demo needs a fresh directory")
            }
        } else {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-demo-\(UUID().uuidString.prefix(8))")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let api = FreePort.preferring(apiPort)
        var router = FreePort.preferring(routerPort)
        if router == api { router = FreePort.preferring(0) }
        let options = ServeOptions(dataDirectory: directory, apiPort: api, routerPort: router, domain: "localhost",
                                   pollSeconds: nil, testWorkers: nil)
        let tour = DemoTour(once: once)
        do {
            try await SlipwayServer.run(options, environmentToken: ProcessInfo.processInfo.environment["SLIPWAY_TOKEN"],
                                        webhookSecret: nil, announce: { DemoTour.say($0) },
                                        afterStart: AfterStart(stopsService: once) { running in try await tour.run(running) })
        } catch let failure as DemoFailure {
            throw CLIFailure(exitCode: .checkFailed, message: failure.message)
        }
        if once, let failures = tour.failures, !failures.isEmpty {
            throw CLIFailure(exitCode: .checkFailed, message: "the demo did not go as described: " + failures.joined(separator: "; ")
                             + " (its data is kept in \(directory.path))")
        }
        // A tour that went as described leaves nothing behind unless the data dir was asked for.
        if once, dataDir == nil, tour.failures != nil { try? FileManager.default.removeItem(at: directory) }
    }
}

struct DemoFailure: Error {
    var message: String
}
