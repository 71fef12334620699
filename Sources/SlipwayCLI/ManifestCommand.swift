import ArgumentParser
import Foundation
import Manifest

struct ManifestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifest",
        abstract: "Validate app.json and Procfile.",
        subcommands: [ManifestCheckCommand.self]
    )
}

/// `slipway manifest check [DIR] [--context app|review|test] [--var K=V]… [--override K=V]… [--fork] [--reveal] [--json]`
struct ManifestCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate app.json and Procfile and show the resolved config for a context.",
        discussion: """
            Prints process types, formation, scripts and every config var with where its value came from \
            (app.json, generated, pipeline, override, injected). Generated and pipeline values are masked \
            unless --reveal. Exits 0 when the manifest is valid, 2 when it is not.
            """
    )

    @Argument(help: "The app's directory (holding app.json and/or Procfile).")
    var directory: String = "."

    @Option(help: "The context to resolve for: app, review or test.")
    var context: ManifestContextArgument = .app

    @Option(name: .customLong("var"), help: ArgumentHelp("A pipeline config var (repeatable).", valueName: "KEY=VALUE"))
    var pipelineVars: [String] = []

    @Option(name: .customLong("override"), help: ArgumentHelp("A per-app override (repeatable).", valueName: "KEY=VALUE"))
    var overrides: [String] = []

    @Flag(help: "Resolve as for a pull request from a fork: pipeline vars are withheld.")
    var fork = false

    @Flag(help: "Show generated secrets and pipeline values instead of ••••.")
    var reveal = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        _ = try KeyValueArguments.parse(pipelineVars, option: "--var")
        _ = try KeyValueArguments.parse(overrides, option: "--override")
    }

    func run() async throws {
        let pipeline = try KeyValueArguments.parse(pipelineVars, option: "--var")
        let overrideValues = try KeyValueArguments.parse(overrides, option: "--override")
        let url = URL(fileURLWithPath: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIFailure.usage("\(directory): no such directory")
        }

        let manifestContext = context.manifestContext
        let injected = manifestContext == .test ? InjectedVariables.testRun() : [:]
        let options = ManifestCheckOptions(
            context: manifestContext, pipelineVars: pipeline, overrides: overrideValues, injected: injected,
            isFork: fork, reveal: reveal)
        let report = ManifestCheck.report(for: ManifestLoader.load(directory: url), options: options)

        if json {
            try printJSON(report)
        } else {
            FileHandle.standardOutput.write(Data(report.renderText(directory: directory).utf8))
        }
        if !report.isValid {
            throw ExitCode(ExitStatus.usage.rawValue)
        }
    }
}

/// `--context` values (a local type: `ManifestContext` lives in a module that does not know ArgumentParser).
enum ManifestContextArgument: String, ExpressibleByArgument, CaseIterable {
    case app
    case review
    case test

    var manifestContext: ManifestContext {
        switch self {
        case .app: return .app
        case .review: return .review
        case .test: return .test
        }
    }
}
