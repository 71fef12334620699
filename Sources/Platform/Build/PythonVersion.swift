import Foundation

/// The Python version an app asks for: `.python-version` (pyenv's file; its first version line) or, as on
/// Heroku's older stacks, `runtime.txt` (`python-3.11.7`). Nil when the app does not say.
struct PythonVersionRequest: Equatable {
    /// `3.11` or `3.11.7`.
    var version: String
    /// The file it came from, for messages.
    var file: String

    static func read(in tree: URL) throws(BuildError) -> PythonVersionRequest? {
        for file in [".python-version", "runtime.txt"] {
            guard let data = FileManager.default.contents(atPath: tree.appendingPathComponent(file).path) else { continue }
            let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .first { !$0.isEmpty && !$0.hasPrefix("#") } ?? ""
            var version = line.lowercased()
            if version.hasPrefix("python-") { version = String(version.dropFirst(7)) }
            if version.hasPrefix("python") { version = String(version.dropFirst(6)) }
            let parts = version.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
                throw BuildError(message: "\(file): \"\(line)\" is not a Python version; write one like 3.11 "
                                 + "(or python-3.11.7 in runtime.txt)", output: "")
            }
            return PythonVersionRequest(version: version, file: file)
        }
        return nil
    }

    /// Whether the installed `available` (`3.11.7`) is this request: every component asked for matches.
    func isSatisfied(by available: String) -> Bool {
        let asked = version.split(separator: ".")
        let have = available.split(separator: ".")
        return asked.count <= have.count && zip(asked, have).allSatisfy { $0 == $1 }
    }
}
