import Foundation

/// Puts a batch's files into the test command.
///
/// `{files}` in the command is replaced by the shell-quoted, space-separated file list; a command without the
/// placeholder gets the list appended. With no files (an `env` split) the placeholder becomes empty and
/// nothing is appended.
public enum CommandTemplate {
    public static let placeholder = "{files}"

    public static func render(_ command: String, files: [String]) -> String {
        let list = files.map(shellQuote).joined(separator: " ")
        if command.contains(placeholder) {
            return command.replacingOccurrences(of: placeholder, with: list)
        }
        return list.isEmpty ? command : command + " " + list
    }

    /// Quotes a word for POSIX `sh`: safe words stay as they are, anything else goes in single quotes.
    public static func shellQuote(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=+,-@%")
        if !word.isEmpty && word.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
