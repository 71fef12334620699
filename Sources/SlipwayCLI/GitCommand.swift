import ArgumentParser

struct GitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "git", abstract: "Read branches and pull requests through libgit2.")
}
