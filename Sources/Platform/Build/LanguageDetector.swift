import Foundation
import Manifest

/// The languages Slipway builds, like Heroku's official buildpacks of the same name.
public enum Language: String, Sendable, CaseIterable {
    case python
    case node

    /// The files whose presence at the root of the tree means the language (Heroku's detection).
    var markers: [String] {
        switch self {
        case .python: ["requirements.txt", "Pipfile.lock", "Pipfile", "poetry.lock", "uv.lock", "pyproject.toml",
                       "setup.py", ".python-version", "runtime.txt"]
        case .node: ["package.json"]
        }
    }
}

/// Which builders a tree gets, in order: app.json `buildpacks` when it lists any (each must be Heroku's
/// official Python or Node.js buildpack), otherwise every detected language (Python before Node, as Heroku
/// orders its detection). No language: no builder, the tree is built by `slipway.build` alone.
public enum LanguageDetector {
    public static func languages(in tree: URL, buildpacks: [Buildpack]) throws(BuildError) -> [Language] {
        if !buildpacks.isEmpty {
            var chosen: [Language] = []
            for (index, buildpack) in buildpacks.enumerated() {
                guard let language = language(ofBuildpack: buildpack.url) else {
                    throw BuildError(message: "app.json buildpacks[\(index)]: \"\(buildpack.url)\" is not a buildpack Slipway "
                                     + "can run; it builds with Heroku's official buildpacks only (\"heroku/python\", "
                                     + "\"heroku/nodejs\" or their GitHub URLs): remove it from app.json or replace it "
                                     + "with one of those", output: "")
                }
                if !chosen.contains(language) { chosen.append(language) }
            }
            return chosen
        }
        return Language.allCases.filter { language in
            language.markers.contains { FileManager.default.fileExists(atPath: tree.appendingPathComponent($0).path) }
        }
    }

    /// `heroku/python`, `heroku/nodejs` (and `heroku/node`), their GitHub repositories by URL (with or without
    /// `.git`, a `#ref`, or `heroku-buildpack-…` names) and the buildpack registry's tarball URLs.
    static func language(ofBuildpack reference: String) -> Language? {
        var name = reference.trimmingCharacters(in: .whitespaces).lowercased()
        if let hash = name.firstIndex(of: "#") { name = String(name[..<hash]) }
        if name.hasSuffix(".git") { name = String(name.dropLast(4)) }
        if name.hasSuffix(".tgz") { name = String(name.dropLast(4)) }
        while name.hasSuffix("/") { name.removeLast() }
        let official: [String: Language] = [
            "heroku/python": .python, "heroku/nodejs": .node, "heroku/node": .node,
            "https://github.com/heroku/heroku-buildpack-python": .python,
            "https://github.com/heroku/heroku-buildpack-nodejs": .node,
            "https://buildpack-registry.s3.amazonaws.com/buildpacks/heroku/python": .python,
            "https://buildpack-registry.s3.amazonaws.com/buildpacks/heroku/nodejs": .node,
        ]
        return official[name]
    }
}
