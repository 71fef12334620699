/// One finding about a manifest file: an error (the manifest cannot be used) or a warning (it can, but
/// something is dubious). The description names the file and the place: a JSON path or a line.
public struct ManifestDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable {
        case error
        case warning
    }

    /// Which input the finding is about.
    public enum File: String, Sendable, Equatable {
        case appJSON = "app.json"
        case procfile = "Procfile"
        /// The resolved configuration (pipeline vars, overrides) rather than a file.
        case config = "config"
    }

    /// Where in the file.
    public enum Location: Sendable, Equatable {
        case none
        case path(JSONPath)
        case position(SourcePosition)
        case line(Int)
    }

    public var severity: Severity
    public var file: File
    public var location: Location
    public var message: String

    public init(_ severity: Severity, _ file: File, _ location: Location = .none, _ message: String) {
        self.severity = severity
        self.file = file
        self.location = location
        self.message = message
    }

    /// `app.json: env.PORT.required: expected a boolean, got "yes"`, `Procfile:3: …`, `app.json:16:16: …`.
    public var description: String {
        switch location {
        case .none: return "\(file.rawValue): \(message)"
        case .path(let path): return "\(file.rawValue): \(path.isRoot ? "" : "\(path): ")\(message)"
        case .position(let position): return "\(file.rawValue):\(position.line):\(position.column): \(message)"
        case .line(let line): return "\(file.rawValue):\(line): \(message)"
        }
    }
}

/// Collects findings while decoding, so that every problem is reported in one pass.
///
/// A hostile or generated file can hold hundreds of thousands of problems; past `limit` findings of one
/// severity the rest are only counted, and `diagnostics` ends with one line saying how many were left out.
final class DiagnosticCollector {
    static let limit = 200

    private var collected: [ManifestDiagnostic] = []
    private var kept: [ManifestDiagnostic.Severity: Int] = [:]
    private var omitted: [ManifestDiagnostic.Severity: Int] = [:]
    let file: ManifestDiagnostic.File

    init(file: ManifestDiagnostic.File) {
        self.file = file
    }

    func error(_ path: JSONPath, _ message: String) {
        append(ManifestDiagnostic(.error, file, .path(path), message))
    }

    func warning(_ path: JSONPath, _ message: String) {
        append(ManifestDiagnostic(.warning, file, .path(path), message))
    }

    func append(_ diagnostic: ManifestDiagnostic) {
        if kept[diagnostic.severity, default: 0] >= Self.limit {
            omitted[diagnostic.severity, default: 0] += 1
            return
        }
        kept[diagnostic.severity, default: 0] += 1
        collected.append(diagnostic)
    }

    /// Everything collected, plus a summary line per severity that hit the limit.
    var diagnostics: [ManifestDiagnostic] {
        var result = collected
        for severity in [ManifestDiagnostic.Severity.error, .warning] {
            if let count = omitted[severity], count > 0 {
                result.append(ManifestDiagnostic(severity, file, .none, "\(count) more \(severity.rawValue)s not shown"))
            }
        }
        return result
    }
}
