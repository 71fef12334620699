import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The process entry: parses the command line and maps every failure to Slipway's exit codes
/// (SPEC §5: 0 success, 1 the thing checked failed, 2 usage or input error, 3 service unreachable).
///
/// ArgumentParser exits 64 on a usage error; Slipway promises 2, so parse errors are caught here.
public enum SlipwayMain {
    public static func run(arguments: [String]? = nil) async {
        do {
            var command = try SlipwayCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            SlipwayCommand.exit(withError: exit)
        } catch let failure as CLIFailure {
            writeToStandardError("slipway: \(failure.message)\n")
            SlipwayCommand.exit(withError: ExitCode(failure.exitCode.rawValue))
        } catch {
            let code = SlipwayCommand.exitCode(for: error)
            if code == .success {
                // --help and --version: ArgumentParser prints them itself.
                SlipwayCommand.exit(withError: error)
            }
            let message = SlipwayCommand.fullMessage(for: error)
            writeToStandardError(message.isEmpty ? "slipway: \(error)\n" : "\(message)\n")
            SlipwayCommand.exit(withError: ExitCode(ExitStatus.usage.rawValue))
        }
    }
}

struct SlipwayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slipway",
        abstract: "Self-hosted CI test runner and review-app manager for Procfile apps.",
        version: "0.1.0",
        subcommands: [GitCommand.self, ManifestCommand.self, CICommand.self, ServeCommand.self, PipelinesCommand.self, AppsCommand.self, ConfigCommand.self, ReleasesCommand.self, TokensCommand.self, DeployCommand.self, RollbackCommand.self, PromoteCommand.self, PsCommand.self, LogsCommand.self, ReviewAppsCommand.self, AddOnsCommand.self, BuildsCommand.self, TestRunsCommand.self, PRCommand.self, DemoCommand.self, GitHubCommand.self, WorkerCommand.self, WorkersCommand.self]
    )
}
