import Foundation

/// Heroku's Node.js buildpack, from its documented behaviour: the one lock file picks npm, yarn or pnpm;
/// `heroku-prebuild`, the install with devDependencies, `heroku-postbuild` (or `build`), devDependencies
/// pruned for apps (kept for test runs), `heroku-cleanup`; `web: npm start` when the Procfile has no `web`;
/// `engines.node` checked against the installed node.
struct NodeBuilder {
    enum PackageManager: String {
        case npm, yarn, pnpm

        var lockFiles: [String] {
            switch self {
            case .npm: ["package-lock.json", "npm-shrinkwrap.json"]
            case .yarn: ["yarn.lock"]
            case .pnpm: ["pnpm-lock.yaml"]
            }
        }

        func install(hasLock: Bool) -> String {
            switch self {
            case .npm: hasLock ? "npm ci --include=dev" : "npm install --include=dev"
            case .yarn: hasLock ? "yarn install --frozen-lockfile --production=false" : "yarn install --production=false"
            case .pnpm: hasLock ? "pnpm install --frozen-lockfile --prod=false" : "pnpm install --prod=false"
            }
        }

        var prune: String {
            switch self {
            case .npm: "npm prune --omit=dev"
            case .yarn: "yarn install --frozen-lockfile --production=true --ignore-scripts --prefer-offline"
            case .pnpm: "pnpm prune --prod"
            }
        }

        func runScript(_ name: String) -> String { "\(rawValue) run \(name)" }
    }

    let session: BuildSession
    let toolchain: Toolchain

    func build() async throws(BuildError) {
        session.step("Node.js app detected")
        let package = try readPackage()
        let scripts = package["scripts"] as? [String: Any] ?? [:]
        let node = try checkVersion(package)
        let (manager, lockFile) = try choosePackageManager()
        if manager != .npm, try await session.capture("command -v \(manager.rawValue)") == nil {
            throw BuildError(message: "\(lockFile ?? "package.json") means \(manager.rawValue), which is not installed on the "
                             + "Slipway host: install \(manager.rawValue) there, or switch the app to npm "
                             + "(delete \(lockFile ?? "the lock file") and commit a package-lock.json)", output: "")
        }
        session.set("npm_config_update_notifier", "false")
        session.set("npm_config_fund", "false")
        session.set("npm_config_audit", "false")
        session.prependPath("node_modules/.bin")
        if session.context == .app { session.set("NODE_ENV", "production") }

        if scripts["heroku-prebuild"] != nil {
            session.step("Running heroku-prebuild")
            try await session.run(manager.runScript("heroku-prebuild"), failure: "package.json's heroku-prebuild script failed")
        }
        try await install(manager, lockFile: lockFile, node: node, package: package)
        for script in ["heroku-postbuild", "build"] where scripts[script] != nil {
            session.step("Running \(script)")
            try await session.run(manager.runScript(script), failure: "package.json's \(script) script failed: fix it and push again")
            break
        }
        if session.context == .app && package["devDependencies"] != nil {
            session.step("Pruning devDependencies")
            try await session.run(manager.prune, failure: "could not prune devDependencies")
        } else if session.context == .test {
            session.note("test run: devDependencies kept")
        }
        if scripts["heroku-cleanup"] != nil {
            session.step("Running heroku-cleanup")
            try await session.run(manager.runScript("heroku-cleanup"), failure: "package.json's heroku-cleanup script failed")
        }
        if scripts["start"] != nil || session.exists("server.js") {
            session.defaultProcess("web", "npm start")
        }
    }

    private func readPackage() throws(BuildError) -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: session.file("package.json").path),
              let package = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BuildError(message: "package.json is not a JSON object: fix its syntax (npm pkg get name shows where npm "
                             + "stops reading it)", output: "")
        }
        return package
    }

    private func checkVersion(_ package: [String: Any]) throws(BuildError) -> String {
        guard let node = toolchain.node else {
            throw BuildError(message: "this is a Node.js app (package.json) but node is not installed on the Slipway host: "
                             + "install nodejs and npm there", output: "")
        }
        if let engines = package["engines"] as? [String: Any], let wanted = engines["node"] as? String {
            guard let range = NodeVersionRange(wanted) else {
                throw BuildError(message: "package.json engines.node: \"\(wanted)\" is not a version range; write one like "
                                 + "\"20.x\" or \">=18\"", output: "")
            }
            guard range.isSatisfied(by: node) else {
                throw BuildError(message: "package.json engines.node asks for \"\(wanted)\", but this machine has Node "
                                 + "\(node): change engines.node (for example to \"\(node.split(separator: ".").first ?? "")"
                                 + ".x\") or install a matching Node on the Slipway host", output: "")
            }
            session.step("Using Node \(node) (engines.node asks for \(wanted))")
        } else {
            session.step("Using Node \(node) (the machine's node; pin it with engines.node in package.json)")
        }
        return node
    }

    /// The package manager of the one lock file present (npm without one); two kinds are an error.
    private func choosePackageManager() throws(BuildError) -> (PackageManager, String?) {
        let present = [PackageManager.npm, .yarn, .pnpm].compactMap { manager in
            manager.lockFiles.first { session.exists($0) }.map { (manager, $0) }
        }
        if present.count > 1 {
            let names = present.map(\.1)
            throw BuildError(message: "package.json comes with \(names.joined(separator: " and ")): Slipway (like Heroku) "
                             + "cannot tell whether to use \(present.map(\.0.rawValue).joined(separator: " or ")); "
                             + "delete the lock file of the package manager you do not use and push again", output: "")
        }
        return present.first.map { ($0.0, $0.1) } ?? (.npm, nil)
    }

    private func install(_ manager: PackageManager, lockFile: String?, node: String, package: [String: Any]) async throws(BuildError) {
        let modules = session.file("node_modules")
        // A checked-in node_modules is reinstalled, as on Heroku.
        try? FileManager.default.removeItem(at: modules)
        let key = CacheKey(builder: "node-\(manager.rawValue)", runtime: node,
                           digest: CacheKey.digest(of: [session.file("package.json")] + (lockFile.map { [session.file($0)] } ?? []),
                                                   extra: localDependencyDigests(package)))
        let restoring = ContinuousClock.now
        if let cache = session.cache, let entry = await cache.restore(key, scope: session.cacheScope, into: modules) {
            session.step("Restoring node_modules from the cache (\(entry.name), nothing to download)")
            session.note("\(PythonBuilder.megabytes(entry.bytes)) linked in \(BuildSession.seconds(since: restoring))")
            return
        }
        session.step("Installing dependencies with \(manager.rawValue)\(lockFile.map { " (\($0))" } ?? "")")
        try await session.run(manager.install(hasLock: lockFile != nil),
                              failure: "\(manager.rawValue) could not install the dependencies of package.json"
                                + (lockFile.map { " and \($0)" } ?? "") + ": fix the dependency named above and push again")
        if let cache = session.cache, FileManager.default.fileExists(atPath: modules.path) {
            await cache.save(key, scope: session.cacheScope, from: modules, builtAt: session.treePath + "/node_modules")
        }
    }

    /// `file:` dependencies live in the tree: their contents are part of the cache key.
    private func localDependencyDigests(_ package: [String: Any]) -> [String] {
        var digests: [String] = []
        for section in ["dependencies", "devDependencies", "optionalDependencies"] {
            guard let dependencies = package[section] as? [String: Any] else { continue }
            for (name, spec) in dependencies.sorted(by: { $0.key < $1.key }) {
                guard let spec = spec as? String, spec.hasPrefix("file:") else { continue }
                let path = session.tree.appendingPathComponent(String(spec.dropFirst(5)))
                digests.append("\(name) " + ((try? DirectoryDigest.digest(of: path)) ?? CacheKey.digest(of: [path])))
            }
        }
        return digests
    }
}
