import Foundation

/// Gives files to a sandbox's identity: the directories it must write (a workspace, an overlay's upper layer,
/// a dyno's scratch) are created by Slipway (root) and handed over before the sandbox starts.
public enum TreeOwnership {
    /// `lchown`s `path` and, when it is a directory, everything below it (symbolic links are never followed).
    public static func give(_ path: String, to identity: SandboxIdentity) throws(SandboxError) {
        guard lchown(path, identity.uid, identity.gid) == 0 else {
            throw SandboxError("cannot give \(path) to uid \(identity.uid): \(String(cString: strerror(errno)))")
        }
        guard let walker = FileManager.default.enumerator(atPath: path) else { return }
        while let relative = walker.nextObject() as? String {
            let full = path + "/" + relative
            if lchown(full, identity.uid, identity.gid) != 0 {
                throw SandboxError("cannot give \(full) to uid \(identity.uid): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Creates each directory (with parents) and gives it to `identity`.
    public static func makeDirectories(_ paths: [String], for identity: SandboxIdentity?) throws(SandboxError) {
        for path in paths {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw SandboxError("cannot create \(path): \(error.localizedDescription)")
            }
            if let identity, lchown(path, identity.uid, identity.gid) != 0 {
                throw SandboxError("cannot give \(path) to uid \(identity.uid): \(String(cString: strerror(errno)))")
            }
        }
    }
}
