extension ManifestReport {
    /// The human-readable report `slipway manifest check` prints without `--json`.
    public func renderText(directory: String) -> String {
        var lines: [String] = ["Manifest in \(directory) (context: \(context.rawValue))", ""]

        lines.append("Process types: " + (processTypes.isEmpty ? "none (no Procfile)" : processTypes.joined(separator: ", ")))
        lines.append("")

        lines.append("Formation:")
        if formationOrder.isEmpty { lines.append("  (none)") }
        let typeWidth = formationOrder.map(\.count).max() ?? 0
        for type in formationOrder {
            guard let value = formation[type] else { continue }
            let size = value.size.map { "  size \($0)" } ?? ""
            lines.append("  \(type.padded(to: typeWidth))  \(value.quantity)\(size)")
        }
        lines.append("")

        lines.append("Scripts:")
        if scriptOrder.isEmpty { lines.append("  (none)") }
        let scriptWidth = scriptOrder.map(\.count).max() ?? 0
        for name in scriptOrder {
            lines.append("  \(name.padded(to: scriptWidth))  \(scripts[name].map(Self.oneLine) ?? "")")
        }
        lines.append("")

        lines.append("Config vars:")
        let names = env.keys.sorted()
        if names.isEmpty { lines.append("  (none)") }
        let nameWidth = names.map(\.count).max() ?? 0
        let values = names.map { Self.oneLine(env[$0]?.value ?? "") }
        let valueWidth = min(40, values.map(\.count).max() ?? 0)
        for (name, value) in zip(names, values) {
            guard let entry = env[name] else { continue }
            let required = entry.required ? "  required" : ""
            let source = entry.source.rawValue.padded(to: Self.sourceWidth)
            lines.append("  \(name.padded(to: nameWidth))  \(value.padded(to: valueWidth))  from \(source)\(required)".trimmingTrailingSpaces)
        }
        lines.append("")

        if !warnings.isEmpty {
            lines.append("Warnings (\(warnings.count)):")
            lines += warnings.map { "  - \($0)" }
            lines.append("")
        }
        if !errors.isEmpty {
            lines.append("Errors (\(errors.count)):")
            lines += errors.map { "  - \($0)" }
            lines.append("")
        }
        lines.append(isValid ? "Valid." : "Invalid: \(errors.count) error\(errors.count == 1 ? "" : "s").")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Width of the longest source name (`generated`), so the "required" column lines up.
    private static let sourceWidth = ConfigSource.allCases.map(\.rawValue.count).max() ?? 0

    /// A value on one line, cut at 60 characters.
    private static func oneLine(_ text: String) -> String {
        let flat = text.debugEscaped
        return flat.count > 60 ? String(flat.prefix(59)) + "…" : flat
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var result = self
        while result.hasSuffix(" ") { result.removeLast() }
        return result
    }

    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
