import Foundation
import Manifest

/// Heroku's Python buildpack, from its documented behaviour: a virtual environment inside the slug at
/// `.heroku/python`, dependencies from `requirements.txt` with pip (or from `Pipfile.lock` / `poetry.lock` /
/// `uv.lock` exported to requirements when that tool is installed), Django's `collectstatic`, and the venv
/// first on `PATH` with `PYTHONUNBUFFERED=1` for dynos and tests.
struct PythonBuilder {
    static let venv = ".heroku/python"

    /// How the dependencies get installed.
    enum Installer: Equatable {
        /// `pip install -r <file>`.
        case requirements(String)
        /// A lock file exported to requirements by its tool (`uv`, `poetry`, `pipenv`) first.
        case exported(lockFile: String, tool: String)
        /// Nothing to install (only `.python-version` / `runtime.txt`).
        case none
    }

    let session: BuildSession
    let toolchain: Toolchain
    let appJSON: AppJSON?

    func build() async throws(BuildError) {
        session.step("Python app detected")
        let python = try checkVersion()
        let installer = try chooseInstaller()
        let venvDirectory = session.file(Self.venv)
        let venvPath = session.treePath + "/" + Self.venv
        session.prependPath(Self.venv + "/bin")
        session.set("PYTHONUNBUFFERED", "1")
        session.relocatable([Self.venv + "/bin", Self.venv])

        let key = try cacheKey(installer, python: python)
        let restoring = ContinuousClock.now
        if let cache = session.cache,
           let entry = await cache.restore(key, scope: session.cacheScope, into: venvDirectory) {
            session.step("Restoring the virtual environment from the cache (\(entry.name), nothing to download)")
            try PathRelocation.relocate(files: venvDirectory.appendingPathComponent("bin"), from: entry.builtAt, to: venvPath)
            try PathRelocation.relocate(files: venvDirectory, from: entry.builtAt, to: venvPath)
            session.note("\(Self.megabytes(entry.bytes)) linked in \(BuildSession.seconds(since: restoring))")
        } else {
            session.step("Creating a virtual environment in \(Self.venv)")
            try await session.run("python3 -m venv \(Self.venv)",
                                  failure: "could not create the virtual environment: on Debian install python3-venv")
            try await install(installer)
            if let cache = session.cache {
                await cache.save(key, scope: session.cacheScope, from: venvDirectory, builtAt: venvPath)
            }
        }
        try await collectStatic()
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }

    // MARK: Version

    private func checkVersion() throws(BuildError) -> String {
        guard let available = toolchain.python else {
            throw BuildError(message: "this is a Python app but python3 is not installed on the Slipway host: "
                             + "install it (apt-get install python3 python3-venv)", output: "")
        }
        if let request = try PythonVersionRequest.read(in: session.tree) {
            guard request.isSatisfied(by: available) else {
                throw BuildError(message: "\(request.file) asks for Python \(request.version), but this machine has "
                                 + "Python \(available): change \(request.file) to \(available.split(separator: ".").prefix(2).joined(separator: ".")) "
                                 + "or install Python \(request.version) as python3 on the Slipway host", output: "")
            }
            session.step("Using Python \(available) (\(request.file) asks for \(request.version))")
        } else {
            session.step("Using Python \(available) (the machine's python3; pin it in .python-version)")
        }
        return available
    }

    // MARK: Installing

    private func chooseInstaller() throws(BuildError) -> Installer {
        if session.exists("requirements.txt") { return .requirements("requirements.txt") }
        for (lockFile, tool) in [("uv.lock", "uv"), ("poetry.lock", "poetry"), ("Pipfile.lock", "pipenv")] where session.exists(lockFile) {
            return .exported(lockFile: lockFile, tool: tool)
        }
        if session.exists("Pipfile") {
            throw BuildError(message: "Pipfile has no Pipfile.lock: run `pipenv lock` and commit Pipfile.lock "
                             + "(or add a requirements.txt)", output: "")
        }
        for file in ["pyproject.toml", "setup.py"] where session.exists(file) {
            throw BuildError(message: "\(file) has no lock file Slipway can install from: add a requirements.txt "
                             + "(for example `pip freeze > requirements.txt`), or commit a uv.lock or poetry.lock", output: "")
        }
        return .none
    }

    private func install(_ installer: Installer) async throws(BuildError) {
        let pip = "python -m pip install --disable-pip-version-check --no-input --progress-bar off"
        switch installer {
        case .none:
            session.note("no requirements.txt or lock file: nothing to install")
        case .requirements(let file):
            session.step("Installing requirements with pip")
            try await session.run("\(pip) -r \(file)",
                                  failure: "pip could not install \(file): fix the requirement named above in \(file) and push again")
        case .exported(let lockFile, let tool):
            guard try await session.capture("command -v \(tool)") != nil else {
                throw BuildError(message: "\(lockFile) needs \(tool), which is not installed on the Slipway host: install "
                                 + "\(tool) there, or commit a requirements.txt exported from \(lockFile)", output: "")
            }
            let exported = session.home.appendingPathComponent("requirements-\(tool).txt").path
            session.step("Exporting \(lockFile) with \(tool)")
            try await session.run("\(exportCommand(tool)) > '\(exported)'",
                                  failure: "\(tool) could not export \(lockFile): run `\(tool) lock` and commit \(lockFile)")
            session.step("Installing dependencies from \(lockFile) with pip")
            try await session.run("\(pip) -r '\(exported)'",
                                  failure: "pip could not install the packages of \(lockFile): fix \(lockFile) and push again")
        }
    }

    private func exportCommand(_ tool: String) -> String {
        let dev = session.context == .test
        switch tool {
        case "uv": return "uv export --frozen --no-hashes --format requirements-txt" + (dev ? "" : " --no-dev")
        case "poetry": return "poetry export --format requirements.txt --without-hashes" + (dev ? " --with dev" : "")
        default: return "pipenv requirements" + (dev ? " --dev" : "")
        }
    }

    private func cacheKey(_ installer: Installer, python: String) throws(BuildError) -> CacheKey {
        switch installer {
        case .none:
            return CacheKey(builder: "python-venv", runtime: python, digest: "empty")
        case .requirements(let file):
            return CacheKey(builder: "python-pip", runtime: python, digest: CacheKey.digest(of: [session.file(file)]))
        case .exported(let lockFile, let tool):
            return CacheKey(builder: "python-\(tool)", runtime: python,
                            digest: CacheKey.digest(of: [session.file(lockFile)], extra: [session.context.rawValue]))
        }
    }

    // MARK: Django

    /// `manage.py collectstatic --noinput` when the app is a Django project (a `manage.py` and Django in the
    /// venv), unless app.json's `env` sets `DISABLE_COLLECTSTATIC`.
    private func collectStatic() async throws(BuildError) {
        guard session.exists("manage.py"), djangoInstalled() else { return }
        if let disabled = appJSON?.envVar(named: "DISABLE_COLLECTSTATIC")?.value, !disabled.isEmpty, disabled != "0" {
            session.step("Skipping Django's collectstatic (DISABLE_COLLECTSTATIC is set in app.json)")
            return
        }
        session.step("$ python manage.py collectstatic --noinput")
        let started = ContinuousClock.now
        defer { session.note("collectstatic took \(BuildSession.seconds(since: started))") }
        try await session.run("python manage.py collectstatic --noinput",
                              failure: "Django's collectstatic failed: set STATIC_ROOT in your settings (and check "
                                + "STATICFILES_DIRS), or set DISABLE_COLLECTSTATIC=1 in app.json's env")
    }

    private func djangoInstalled() -> Bool {
        let lib = session.file(Self.venv + "/lib")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []
        return versions.contains { version in
            FileManager.default.fileExists(atPath: lib.appendingPathComponent("\(version)/site-packages/django").path)
        }
    }
}
