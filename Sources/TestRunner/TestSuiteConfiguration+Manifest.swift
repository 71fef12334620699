import Foundation
import Manifest
import Sandbox
import Sharding

extension TestSuiteConfiguration {
    /// The test context of an app's manifest: `environments.test` applied, `slipway.tests` attached, config
    /// vars resolved for `test`. `shellEnvironment` may supply required vars app.json leaves without a value
    /// (as Heroku CI's pipeline settings would).
    public init(manifest: AppJSON, shellEnvironment: [String: String] = [:]) throws(TestRunError) {
        let view = manifest.ciView
        guard let test = view.test, !test.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw TestRunError(.configuration, "app.json has no test command: set environments.test.scripts.test "
                               + "(for example \"pytest {files}\")")
        }
        let resolved = ConfigResolver.resolve(manifest, input: ConfigResolutionInput(context: .test))
        let stillMissing = (resolved.missing?.names ?? []).filter { (shellEnvironment[$0] ?? "").isEmpty }
        if !stillMissing.isEmpty {
            throw TestRunError(.configuration, "app.json env (test context): required config vars without a value: "
                               + stillMissing.joined(separator: ", ") + "; give them a value in app.json or the environment")
        }
        var environment = resolved.environment
        for name in resolved.missing?.names ?? [] { environment[name] = shellEnvironment[name] }
        self.init(
            setupCommand: view.testSetup,
            testCommand: test,
            environment: environment,
            workers: view.workerCount,
            filePatterns: view.tests.files,
            split: view.tests.split.map(SplitMode.init),
            retries: view.tests.retries ?? 0,
            junitPattern: view.tests.junit)
        sandboxNetwork = SandboxNetwork(rawValue: manifest.slipway.sandboxNetwork ?? "shared") ?? .shared
    }

    /// Reads `<directory>/app.json` through Manifest. Manifest errors are configuration errors naming the key.
    public static func load(appDirectory: URL, shellEnvironment: [String: String] = [:]) throws(TestRunError)
        -> (configuration: TestSuiteConfiguration, warnings: [String]) {
        let loaded = ManifestLoader.load(directory: appDirectory)
        if !loaded.errors.isEmpty {
            throw TestRunError(.configuration, loaded.errors.map(\.description).joined(separator: "\n"))
        }
        guard let appJSON = loaded.appJSON else {
            throw TestRunError(.configuration, "\(appDirectory.path)/app.json not found: `slipway ci run` needs "
                               + "environments.test.scripts.test in app.json")
        }
        let configuration = try TestSuiteConfiguration(manifest: appJSON, shellEnvironment: shellEnvironment)
        // Procfile findings concern dynos, not tests.
        let warnings = loaded.warnings.filter { $0.file == .appJSON }.map(\.description)
        return (configuration, warnings)
    }
}

extension SplitMode {
    init(_ strategy: TestSplitStrategy) {
        switch strategy {
        case .env: self = .env
        case .timings: self = .timings
        case .queue: self = .queue
        }
    }
}
