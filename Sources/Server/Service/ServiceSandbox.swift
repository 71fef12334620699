import Foundation
import Sandbox

/// The launcher `serve` starts repository code with: sandboxed unless `--no-sandbox`, and never silently
/// unsandboxed: when the sandbox cannot be set up, `serve` refuses to start and says why and how to fix it.
enum ServiceSandbox {
    static func launcher(_ options: ServeOptions, announce: @Sendable (String) -> Void) async throws -> SandboxLauncher {
        guard options.sandbox else {
            announce("WARNING: --no-sandbox: builds, tests, release tasks and dynos run as this service's own user "
                     + "and can read its data dir (tokens, secrets, every app's config vars); use only for code you trust")
            return .unsandboxed
        }
        do throws(SandboxError) {
            let setup = try SandboxSetup.prepare(stateDirectory: options.dataDirectory.appendingPathComponent("sandbox").path)
            try await setup.verify()
            announce("sandbox: bubblewrap (\(setup.tools.bwrap)) + setpriv, one uid per app and per test run; "
                     + "limits: \(setup.limitMechanism)")
            return SandboxLauncher(.sandboxed(setup))
        } catch {
            throw ServeError("cannot sandbox repository code: \(error.message). Fix it (Debian: `apt-get install "
                             + "bubblewrap`; bubblewrap needs root or unprivileged user namespaces), or run "
                             + "`slipway serve --no-sandbox` to run pull-request code unsandboxed (unsafe)")
        }
    }
}
