/// Turns app.json bytes into a typed `AppJSON`, collecting every error and warning in one pass.
///
/// Errors name the JSON path (`env.SECRET.required: expected a boolean, got "yes"`); syntax errors name the
/// line and column. Unknown keys and dubious values are warnings. Duplicate keys are warnings and the last
/// value wins, as with `JSON.parse`.
public enum AppJSONDecoder {
    /// Largest app.json Slipway reads. Real ones are a few kilobytes; the cap keeps a hostile file cheap.
    public static let maximumSize = 4 * 1024 * 1024

    /// Decodes a file's bytes. The `AppJSON` is `nil` exactly when there are errors.
    public static func decode(_ bytes: [UInt8]) -> (appJSON: AppJSON?, diagnostics: [ManifestDiagnostic]) {
        guard bytes.count <= maximumSize else {
            return (nil, [ManifestDiagnostic(.error, .appJSON, .none, "the file is \(bytes.count) bytes; app.json may be at most \(maximumSize) bytes")])
        }
        let document: JSONDocument
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            return (nil, [ManifestDiagnostic(.error, .appJSON, .position(error.position), error.message)])
        }
        let collector = DiagnosticCollector(file: .appJSON)
        for duplicate in document.duplicateKeys {
            collector.warning(duplicate.path, "key written twice (again at \(duplicate.position)); the last value is used")
        }
        let appJSON = decode(document.value, into: collector)
        let diagnostics = collector.diagnostics
        return (diagnostics.contains { $0.severity == .error } ? nil : appJSON, diagnostics)
    }

    /// Decodes an already parsed document (for callers that build JSON in memory).
    public static func decode(_ value: JSONValue) -> (appJSON: AppJSON?, diagnostics: [ManifestDiagnostic]) {
        let collector = DiagnosticCollector(file: .appJSON)
        let appJSON = decode(value, into: collector)
        let diagnostics = collector.diagnostics
        return (diagnostics.contains { $0.severity == .error } ? nil : appJSON, diagnostics)
    }

    /// Top-level keys: Heroku's schema, Dokku's additions, and Slipway's block.
    static let topLevelKeys = [
        "name", "description", "keywords", "website", "repository", "logo", "success_url", "scripts", "env",
        "formation", "addons", "buildpacks", "environments", "stack", "image", "healthchecks", "cron", "slipway",
    ]

    private static func decode(_ value: JSONValue, into collector: DiagnosticCollector) -> AppJSON {
        let reader = ValueReader(diagnostics: collector)
        var app = AppJSON()
        guard let root = reader.object(value, .root, expected: "a JSON object at the top level") else { return app }
        reader.warnUnknownKeys(root, .root, known: topLevelKeys)
        let sections = SectionDecoder(reader: reader)

        for member in root.members {
            let path = JSONPath.root.key(member.key)
            let value = member.value
            switch member.key {
            case "name": app.name = reader.string(value, path)
            case "description": app.description = reader.string(value, path)
            case "keywords": app.keywords = reader.stringArray(value, path) ?? []
            case "website": app.website = sections.url(value, path)
            case "repository": app.repository = sections.url(value, path)
            case "logo": app.logo = sections.url(value, path)
            case "success_url": app.successURL = sections.successURL(value, path)
            case "scripts": app.scripts = sections.scripts(value, path, scope: .base) ?? Scripts()
            case "env": app.env = sections.env(value, path) ?? []
            case "formation": app.formation = sections.formation(value, path, scope: .base) ?? Formation()
            case "addons": app.addons = sections.addons(value, path, scope: .base) ?? []
            case "buildpacks": app.buildpacks = sections.buildpacks(value, path) ?? []
            case "environments":
                let environments = sections.environments(value, path)
                app.testEnvironment = environments.test
                app.reviewEnvironment = environments.review
            case "stack": app.stack = reader.string(value, path)
            case "image": app.image = reader.string(value, path)
            case "healthchecks": app.healthchecks = sections.healthchecks(value, path) ?? [:]
            case "cron": sections.cron(value, path)
            case "slipway": app.slipway = sections.slipway(value, path) ?? SlipwaySettings()
            default: break
            }
        }
        return app
    }
}

/// Which part of app.json a section sits in; some rules differ (only CI runs `test-setup`).
enum DecodingScope {
    case base
    case test
    case review
}

/// Decoders for each app.json section, sharing one `ValueReader`. Split over several files by section.
struct SectionDecoder {
    let reader: ValueReader

    func url(_ value: JSONValue, _ path: JSONPath) -> String? {
        guard let text = reader.string(value, path) else { return nil }
        if !(text.hasPrefix("https://") || text.hasPrefix("http://")) {
            reader.warning(path, "\"\(text.shortened.debugEscaped)\" is not a full URL (https://…)")
        }
        return text
    }

    /// `success_url` may be a path on the app (`/welcome`) or a full URL.
    func successURL(_ value: JSONValue, _ path: JSONPath) -> String? {
        guard let text = reader.string(value, path) else { return nil }
        if !(text.hasPrefix("/") || text.hasPrefix("https://") || text.hasPrefix("http://")) {
            reader.warning(path, "\"\(text.shortened.debugEscaped)\" is neither a path on the app (/…) nor a full URL")
        }
        return text
    }
}
