import Foundation
import Processes
import Synchronization

/// A working sandbox on this machine: its tools, where its generated files live, how limits are enforced.
public struct SandboxSetup: Sendable {
    public let tools: SandboxTools
    /// Generated `/etc/passwd` and `/etc/group` files and the identity ledger (inside the data dir, which the
    /// sandbox never sees: bubblewrap binds them from outside).
    public let stateDirectory: String
    public let limitMechanism: LimitMechanism
    public let identities: IdentityAllocator

    /// Finds the tools and the limit mechanism; nothing is run yet (`verify` does that).
    public static func prepare(stateDirectory: String) throws(SandboxError) -> SandboxSetup {
        let tools = try SandboxTools.locate()
        do {
            try FileManager.default.createDirectory(atPath: stateDirectory + "/etc", withIntermediateDirectories: true)
        } catch {
            throw SandboxError("cannot create the sandbox's directory \(stateDirectory): \(error.localizedDescription)")
        }
        chmod(stateDirectory, 0o700)
        return SandboxSetup(tools: tools, stateDirectory: stateDirectory, limitMechanism: LimitMechanism.detect(),
                            identities: IdentityAllocator(ledger: stateDirectory + "/identities.json"))
    }

    /// Runs one trial process in a sandbox and checks it runs as the unprivileged uid, cannot see the
    /// state directory and sees only its own processes.
    public func verify() async throws(SandboxError) {
        let trial = stateDirectory + "/trial-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: trial) }
        let tree = trial + "/app"
        do {
            try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        } catch {
            throw SandboxError("cannot create \(tree): \(error.localizedDescription)")
        }
        let identity = SandboxIdentity(uid: IdentityAllocator.trialUID)
        try TreeOwnership.give(tree, to: identity)
        let policy = SandboxPolicy(identity: identity, tree: .directory(tree, writable: true), hidden: [stateDirectory])
        let launcher = SandboxLauncher(.sandboxed(self))
        let command = "id -u > /app/uid && ls /proc | grep -c '^[0-9]' > /app/pids && "
            + "{ test -e \(ShellQuote.quote(stateDirectory + "/identities.json")) && echo seen || echo hidden; } > /app/state"
        let spec = try launcher.process(command: command, environment: [:], policy: policy, outputPath: trial + "/log")
        let termination: Termination
        do {
            let group = try ProcessGroup(terminationGrace: .milliseconds(200))
            termination = try await group.run(spec)
            await group.terminate()
        } catch {
            throw SandboxError("cannot start a sandboxed trial process: \(error)")
        }
        func read(_ name: String) -> String {
            ((try? String(contentsOfFile: tree + "/" + name, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard termination.succeeded else {
            let log = ((try? String(contentsOfFile: trial + "/log", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            throw SandboxError("a sandboxed trial process failed (\(termination)): \(log.isEmpty ? "no output" : log); "
                               + "bubblewrap needs root or unprivileged user namespaces")
        }
        guard read("uid") == String(identity.uid) else {
            throw SandboxError("a sandboxed trial process ran as uid \(read("uid")), not \(identity.uid)")
        }
        guard read("state") == "hidden" else { throw SandboxError("a sandboxed trial process could see \(stateDirectory)") }
        guard let pids = Int(read("pids")), pids <= 4 else {
            throw SandboxError("a sandboxed trial process saw \(read("pids")) processes: no private PID namespace")
        }
    }

    /// `/etc/passwd` and `/etc/group` for `identity`, written once.
    func identityFiles(for identity: SandboxIdentity) throws(SandboxError) -> (passwd: String, group: String) {
        let directory = stateDirectory + "/etc/\(identity.uid)-\(identity.gid)"
        let passwd = directory + "/passwd"
        let group = directory + "/group"
        if FileManager.default.fileExists(atPath: group) { return (passwd, group) }
        let user = identity.userName
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try """
                root:x:0:0:root:/root:/usr/sbin/nologin
                \(user):x:\(identity.uid):\(identity.gid):Slipway sandbox:\(identity.homeDirectory):/bin/sh
                nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin

                """.write(toFile: passwd, atomically: true, encoding: .utf8)
            try "root:x:0:\n\(user):x:\(identity.gid):\nnogroup:x:65534:\n".write(toFile: group, atomically: true, encoding: .utf8)
        } catch {
            throw SandboxError("cannot write the sandbox's /etc/passwd under \(directory): \(error.localizedDescription)")
        }
        return (passwd, group)
    }
}
