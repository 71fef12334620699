/// Reads a Procfile: `type: command` per line, `#` comments and blank lines allowed.
///
/// Every malformed line is an error with its line number, never silently skipped (SPEC §2). Lines may end in
/// CRLF; leading and trailing blanks around the type and the command are ignored.
public enum ProcfileParser {
    /// Parses the file's bytes. The Procfile is `nil` only when there were errors.
    public static func parse(_ bytes: [UInt8]) -> (procfile: Procfile?, diagnostics: [ManifestDiagnostic]) {
        var processes: [ProcessDeclaration] = []
        let collector = DiagnosticCollector(file: .procfile)
        var firstLineOfType: [String: Int] = [:]

        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let lines = body.split(separator: 0x0A, omittingEmptySubsequences: false)
        for (offset, rawLine) in lines.enumerated() {
            let lineNumber = offset + 1
            func error(_ message: String) {
                collector.append(ManifestDiagnostic(.error, .procfile, .line(lineNumber), message))
            }
            var lineBytes = rawLine
            if lineBytes.last == 0x0D { lineBytes = lineBytes.dropLast() }
            guard let line = String(validating: lineBytes, as: UTF8.self) else {
                error("the line is not valid UTF-8")
                continue
            }
            if line.contains("\u{0}") {
                error("the line contains a NUL character")
                continue
            }
            let trimmed = line.trimmingBlanks
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                error("expected `type: command`, found \"\(trimmed.shortened.debugEscaped)\" (no ':')")
                continue
            }
            let type = String(trimmed[..<colon]).trimmingBlanks
            let command = String(trimmed[trimmed.index(after: colon)...]).trimmingBlanks
            guard isValidProcessType(type) else {
                let shown = type.isEmpty ? "an empty name" : "\"\(type.shortened.debugEscaped)\""
                error("invalid process type \(shown): use letters, digits, '_' and '-'")
                continue
            }
            guard !command.isEmpty else {
                error("process type \"\(type)\" has no command")
                continue
            }
            if let first = firstLineOfType[type] {
                error("duplicate process type \"\(type)\" (first declared on line \(first))")
                continue
            }
            firstLineOfType[type] = lineNumber
            processes.append(ProcessDeclaration(type: type, command: command, line: lineNumber))
        }
        var diagnostics = collector.diagnostics
        let hasErrors = diagnostics.contains { $0.severity == .error }
        if !hasErrors && processes.isEmpty {
            diagnostics.append(ManifestDiagnostic(.warning, .procfile, .none, "declares no process types"))
        }
        return (hasErrors ? nil : Procfile(processes), diagnostics)
    }

    /// Process type names are `[A-Za-z0-9_-]+`.
    public static func isValidProcessType(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2D
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingBlanks: String {
        let blanks: Set<Character> = [" ", "\t"]
        guard let first = firstIndex(where: { !blanks.contains($0) }) else { return "" }
        let last = lastIndex(where: { !blanks.contains($0) }) ?? first
        return String(self[first...last])
    }

    /// At most 60 characters, for quoting in a message.
    var shortened: String {
        count > 60 ? String(prefix(60)) + "…" : self
    }
}
