import Foundation

/// An app's manifest as read from its files: the typed app.json and Procfile (each `nil` when absent or
/// invalid) and every finding about them.
public struct ManifestLoadResult: Sendable, Equatable {
    public var appJSON: AppJSON?
    public var procfile: Procfile?
    /// Whether the files exist at all (a missing file is not an error on its own).
    public var hasAppJSONFile: Bool
    public var hasProcfileFile: Bool
    public var warnings: [ManifestDiagnostic]
    public var errors: [ManifestDiagnostic]

    public init(appJSON: AppJSON?, procfile: Procfile?, hasAppJSONFile: Bool, hasProcfileFile: Bool, warnings: [ManifestDiagnostic], errors: [ManifestDiagnostic]) {
        self.appJSON = appJSON
        self.procfile = procfile
        self.hasAppJSONFile = hasAppJSONFile
        self.hasProcfileFile = hasProcfileFile
        self.warnings = warnings
        self.errors = errors
    }

    public var isValid: Bool { errors.isEmpty }

    /// The app.json to use: the file's, or Heroku's defaults (all keys empty) for a Procfile-only app.
    public var appJSONOrDefaults: AppJSON { appJSON ?? AppJSON() }
}

/// Reads `app.json` and `Procfile` from an app's directory (or from bytes the caller already has, such as
/// files exported from a git tree) and checks them against each other.
public enum ManifestLoader {
    /// Largest Procfile read; real ones are a few lines.
    public static let maximumProcfileSize = 1024 * 1024

    /// Reads `<directory>/app.json` and `<directory>/Procfile`. Either may be missing; both missing is an error.
    public static func load(directory: URL) -> ManifestLoadResult {
        var readErrors: [ManifestDiagnostic] = []
        let appJSON = read(directory.appendingPathComponent("app.json"), file: .appJSON, limit: AppJSONDecoder.maximumSize, errors: &readErrors)
        let procfile = read(directory.appendingPathComponent("Procfile"), file: .procfile, limit: maximumProcfileSize, errors: &readErrors)
        var result = assemble(appJSON: appJSON.bytes, appJSONExists: appJSON.exists, procfile: procfile.bytes, procfileExists: procfile.exists)
        result.errors = readErrors + result.errors
        if !appJSON.exists && !procfile.exists && readErrors.isEmpty {
            result.errors = [ManifestDiagnostic(.error, .appJSON, .none, "neither app.json nor Procfile found in \(directory.path)")]
            result.warnings = []
        }
        return result
    }

    /// Parses the two files' contents; pass `nil` for a file that does not exist.
    public static func parse(appJSON appJSONBytes: [UInt8]?, procfile procfileBytes: [UInt8]?) -> ManifestLoadResult {
        assemble(appJSON: appJSONBytes, appJSONExists: appJSONBytes != nil, procfile: procfileBytes, procfileExists: procfileBytes != nil)
    }

    /// `exists` differs from "has bytes" only when a file exists but could not be read (already an error).
    private static func assemble(appJSON appJSONBytes: [UInt8]?, appJSONExists: Bool, procfile procfileBytes: [UInt8]?, procfileExists: Bool) -> ManifestLoadResult {
        var diagnostics: [ManifestDiagnostic] = []
        var appJSON: AppJSON?
        var procfile: Procfile?
        if let appJSONBytes {
            let decoded = AppJSONDecoder.decode(appJSONBytes)
            appJSON = decoded.appJSON
            diagnostics += decoded.diagnostics
        }
        if let procfileBytes {
            let parsed = ProcfileParser.parse(procfileBytes)
            procfile = parsed.procfile
            diagnostics += parsed.diagnostics
        }
        switch (!appJSONExists, !procfileExists) {
        case (true, false):
            diagnostics.append(ManifestDiagnostic(.warning, .appJSON, .none, "not found; using defaults (no config vars, one web dyno)"))
        case (false, true):
            diagnostics.append(ManifestDiagnostic(.warning, .procfile, .none, "not found; the app has no process types to run (fine for CI-only or Docker apps)"))
        default:
            break
        }
        if let appJSON, let procfile {
            diagnostics += crossCheck(appJSON, procfile)
        }
        return ManifestLoadResult(
            appJSON: appJSON, procfile: procfile, hasAppJSONFile: appJSONExists, hasProcfileFile: procfileExists,
            warnings: diagnostics.filter { $0.severity == .warning },
            errors: diagnostics.filter { $0.severity == .error })
    }

    /// app.json naming process types the Procfile lacks: formation entries and health checks that can never apply.
    /// `test` is CI's own process type and never in a Procfile.
    static func crossCheck(_ appJSON: AppJSON, _ procfile: Procfile) -> [ManifestDiagnostic] {
        var findings: [ManifestDiagnostic] = []
        let types = Set(procfile.processTypes)
        let formations: [(JSONPath, Formation?)] = [
            (JSONPath.root.key("formation"), appJSON.formation),
            (JSONPath(dotted: "environments.review.formation"), appJSON.reviewEnvironment?.formation),
        ]
        for (path, formation) in formations {
            for entry in formation?.entries ?? [] where entry.processType != "test" && !types.contains(entry.processType) {
                findings.append(ManifestDiagnostic(.warning, .appJSON, .path(path.key(entry.processType)), "the Procfile has no process type \"\(entry.processType)\""))
            }
        }
        for type in appJSON.healthchecks.keys.sorted() where !types.contains(type) {
            findings.append(ManifestDiagnostic(.warning, .appJSON, .path(JSONPath.root.key("healthchecks").key(type)), "the Procfile has no process type \"\(type)\""))
        }
        return findings
    }

    private static func read(_ url: URL, file: ManifestDiagnostic.File, limit: Int, errors: inout [ManifestDiagnostic]) -> (exists: Bool, bytes: [UInt8]?) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return (false, nil) }
        if isDirectory.boolValue {
            errors.append(ManifestDiagnostic(.error, file, .none, "is a directory, not a file"))
            return (true, nil)
        }
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            // Read one byte past the limit so an oversized file is reported rather than silently cut.
            let data = try handle.read(upToCount: limit + 1) ?? Data()
            if data.count > limit {
                errors.append(ManifestDiagnostic(.error, file, .none, "is larger than \(limit) bytes"))
                return (true, nil)
            }
            return (true, [UInt8](data))
        } catch {
            errors.append(ManifestDiagnostic(.error, file, .none, "cannot be read: \(error.localizedDescription)"))
            return (true, nil)
        }
    }
}
