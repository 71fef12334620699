import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Headless Chromium driven by `ci/lib/chromium_cdp.py` over the DevTools protocol: it signs in through the
/// dashboard's login form, loads pages at a given width, answers CSS queries on the rendered DOM, evaluates
/// expressions and writes screenshots.
enum HeadlessChromium {
    struct Plan: Encodable {
        var base: String
        var login: String?
        var pages: [Page]
    }

    struct Page: Encodable {
        var path: String
        var width = 1280
        /// Seconds to wait before loading the page.
        var pause = 0.0
        var queries: [String: String] = [:]
        var expressions: [String: String] = [:]
        var screenshot: String?
        /// Expressions evaluated right after the load, before `signal` and `waitFor`.
        var before: [String: String] = [:]
        /// A file the script creates once `before` ran, so a test can change data while the page is open.
        var signal: String?
        /// A selector to wait for (up to 30 s) before `queries` and `expressions`.
        var waitFor: String?

        enum CodingKeys: String, CodingKey {
            case path, width, pause, queries, expressions, screenshot, before, signal
            case waitFor = "wait_for"
        }
    }

    struct Result: Decodable {
        struct Login: Decodable {
            var status: Int?
            var url: String
        }

        var login: Login?
        var pages: [PageResult]
    }

    struct PageResult: Decodable {
        var path: String
        var status: Int?
        var url: String
        var title: String
        var queries: [String: [Element]]
        var before: [String: String]
        var values: [String: String]
        var screenshot: String?

        /// The elements `name`'s selector matched (none when the query was not asked).
        func elements(_ name: String) -> [Element] { queries[name] ?? [] }
    }

    struct Element: Decodable {
        var tag: String
        var text: String
        var href: String?
        var children: Int
        var attrs: [String: String]
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    static var script: URL { repositoryRoot.appendingPathComponent("ci/lib/chromium_cdp.py") }

    /// Whether a Chromium is installed (`ci/setup` installs Debian's `chromium`).
    static var isInstalled: Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").contains { directory in
            ["chromium", "chromium-browser", "google-chrome"].contains {
                FileManager.default.isExecutableFile(atPath: "\(directory)/\($0)")
            }
        }
    }

    /// Runs the plan in a fresh browser profile; throws with the script's error output when it fails.
    static func run(_ plan: Plan, timeout: Duration = .seconds(120)) async throws -> Result {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let input = work.appendingPathComponent("plan.json")
        // The plan holds the token: readable by this user only.
        try JSONEncoder().encode(plan).write(to: input)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: input.path)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        process.standardInput = try FileHandle(forReadingFrom: input)
        let capture = try OutputFiles()
        defer { capture.remove() }
        process.standardOutput = try capture.stdoutHandle()
        process.standardError = try capture.stderrHandle()
        let exit = ExitWaiter()
        process.terminationHandler = { finished in exit.finish(finished.terminationStatus) }
        try process.run()
        let pid = process.processIdentifier
        let timer = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            kill(pid, SIGKILL)
        }
        let status = await exit.status()
        timer.cancel()
        let (stdout, stderr) = capture.texts()
        guard status == 0 else {
            throw BrowserFailure(message: "chromium_cdp.py exited \(status): \(stderr.suffix(2000))")
        }
        return try JSONDecoder().decode(Result.self, from: Data(stdout.utf8))
    }

    struct BrowserFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
