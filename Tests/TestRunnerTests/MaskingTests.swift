import Foundation
import Sharding
import Testing
@testable import TestRunner

/// A run's config var values never reach its results: a failing test's output tail and a failed test-setup's
/// output are masked (`••••`) before the runner hands them to anyone who stores or prints them.
@Suite("Secrets in test output")
struct MaskingTests {
    static let password = "correct-horse-battery-staple"

    @Test("a failing test that prints a config var has it masked in its output tail; a short value stays")
    func failingTest() async throws {
        let fixture = try SuiteFixture.make(files: 0, extra: [
            "tests/a.sh": "echo \"password=$DATABASE_PASSWORD mode=$MODE\"\nexit 1\n",
            "tests/b.sh": "true\n",
        ])
        defer { fixture.remove() }
        var configuration = try fixture.configuration(workers: 1, split: .queue)
        configuration.environment["DATABASE_PASSWORD"] = Self.password
        configuration.environment["MODE"] = "ci"
        let result = try await TestSuiteRun(appDirectory: fixture.directory, configuration: configuration, options: fixture.options()).run()
        #expect(result.status == .failed)
        let failure = try #require(result.files.first { $0.path == "tests/a.sh" }?.failure)
        #expect(failure.contains("password=•••• mode=ci"), "\(failure)")
        #expect(!failure.contains(Self.password))
    }

    @Test("a failed test-setup that prints a config var has it masked in the run's error")
    func failingSetup() async throws {
        let fixture = try SuiteFixture.make(files: 2)
        defer { fixture.remove() }
        var configuration = try fixture.configuration(workers: 1, split: .queue)
        configuration.environment["DATABASE_PASSWORD"] = Self.password
        configuration.setupCommand = "echo \"connecting with $DATABASE_PASSWORD\"; exit 1"
        let result = try await TestSuiteRun(appDirectory: fixture.directory, configuration: configuration, options: fixture.options()).run()
        let error = try #require(result.error)
        #expect(error.kind == .setupFailed)
        let shown = error.description
        #expect(shown.contains("connecting with ••••") && !shown.contains(Self.password), "\(shown)")
    }

    @Test("each worker gets its own extra variables over the config vars, and their values are masked")
    func workerEnvironment() async throws {
        let check = """
            if [ "$ADDON_URL" = "postgres://tester:s3cret-worker-$CI_NODE_INDEX@localhost/db" ]; then
              echo "own url: $ADDON_URL"
            else
              echo "wrong url for worker $CI_NODE_INDEX"
            fi
            exit 1

            """
        let fixture = try SuiteFixture.make(files: 0, extra: ["tests/a.sh": check, "tests/b.sh": check])
        defer { fixture.remove() }
        var configuration = try fixture.configuration(workers: 2, split: .env)
        configuration.environment["ADDON_URL"] = "from-app-json"
        configuration.testCommand = "for f in tests/*.sh; do sh \"$f\"; done"
        var options = fixture.options()
        options.workerEnvironment = { worker in ["ADDON_URL": "postgres://tester:s3cret-worker-\(worker)@localhost/db"] }
        let result = try await TestSuiteRun(appDirectory: fixture.directory, configuration: configuration, options: options).run()
        #expect(result.status == .failed)
        #expect(result.files.map(\.path) == ["(shard 0)", "(shard 1)"])
        for file in result.files {
            let failure = try #require(file.failure)
            #expect(failure.contains("own url: ••••"), "\(failure)")
            #expect(!failure.contains("s3cret") && !failure.contains("wrong url"), "\(failure)")
        }
    }
}
