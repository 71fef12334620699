import Crypto
import Foundation

/// A digest of a directory's contents (relative paths, executable bits, file bytes, symlink targets),
/// so a local directory can be content-addressed like a git tree. `.git` and `.slipway` are skipped.
enum DirectoryDigest {
    static func digest(of directory: URL) throws -> String {
        var hasher = SHA256()
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: directory.path) else {
            throw CocoaError(.fileReadNoSuchFile)
        }
        var paths: [String] = []
        while let path = enumerator.nextObject() as? String {
            let first = path.split(separator: "/").first.map(String.init) ?? path
            if first == ".git" || first == ".slipway" { continue }
            paths.append(path)
        }
        for path in paths.sorted() {
            let full = directory.appendingPathComponent(path).path
            let attributes = try manager.attributesOfItem(atPath: full)
            let type = attributes[.type] as? FileAttributeType
            hasher.update(data: Data(path.utf8))
            if type == .typeSymbolicLink {
                hasher.update(data: Data("\0link\0\(try manager.destinationOfSymbolicLink(atPath: full))".utf8))
            } else if type == .typeRegular {
                let executable = manager.isExecutableFile(atPath: full)
                hasher.update(data: Data("\0file\(executable ? "x" : "")\0".utf8))
                hasher.update(data: try Data(contentsOf: URL(fileURLWithPath: full)))
            } else {
                hasher.update(data: Data("\0dir\0".utf8))
            }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
