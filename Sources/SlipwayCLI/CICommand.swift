import ArgumentParser

struct CICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ci",
        abstract: "Run an app's test suite, sharded.",
        subcommands: [CIRunCommand.self]
    )
}
