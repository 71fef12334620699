import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Copies a directory tree with plain system calls: directories, regular files (content and permission bits)
/// and symbolic links (as links). Timestamps, owners and extended attributes are not copied; other file types
/// (sockets, FIFOs, devices) are skipped.
///
/// Measured on a 5,000-file, 22 MB tree, this is 2–3× faster than `cp -a` (no attribute syscalls, no process).
/// Hard links would be cheaper still but are not safe: a test writing a file in place would change the
/// user's copy and every other worker's.
enum TreeCopier {
    /// Copies the contents of `source` into `destination` (created), leaving out top-level entries in `excluding`.
    static func copy(from source: String, to destination: String, excluding: Set<String>) throws(TestRunError) {
        guard mkdir(destination, 0o755) == 0 || errno == EEXIST else {
            throw failure("cannot create \(destination)")
        }
        let sourceDirectory = open(source, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard sourceDirectory >= 0 else { throw failure("cannot open \(source)") }
        defer { close(sourceDirectory) }
        let destinationDirectory = open(destination, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard destinationDirectory >= 0 else { throw failure("cannot open \(destination)") }
        defer { close(destinationDirectory) }
        var buffer = [UInt8](repeating: 0, count: 128 * 1024)
        try copyContents(of: sourceDirectory, into: destinationDirectory, excluding: excluding,
                         path: source, buffer: &buffer)
    }

    private static func copyContents(of source: Int32, into destination: Int32, excluding: Set<String>,
                                     path: String, buffer: inout [UInt8]) throws(TestRunError) {
        let listing = dup(source)
        guard listing >= 0, let directory = fdopendir(listing) else { throw failure("cannot list \(path)") }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." || excluding.contains(name) { continue }
            var kind = entry.pointee.d_type
            if kind == UInt8(DT_UNKNOWN) {
                var info = stat()
                guard fstatat(source, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                kind = Self.directoryEntryType(of: info.st_mode)
            }
            switch Int32(kind) {
            case Int32(DT_DIR):
                guard mkdirat(destination, name, 0o755) == 0 || errno == EEXIST else {
                    throw failure("cannot create directory \(name) under the workspace")
                }
                let childSource = openat(source, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
                guard childSource >= 0 else { throw failure("cannot open \(path)/\(name)") }
                defer { close(childSource) }
                let childDestination = openat(destination, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                guard childDestination >= 0 else { throw failure("cannot open the copy of \(path)/\(name)") }
                defer { close(childDestination) }
                var info = stat()
                if fstat(childSource, &info) == 0 { fchmod(childDestination, info.st_mode & 0o7777) }
                try copyContents(of: childSource, into: childDestination, excluding: [],
                                 path: path + "/" + name, buffer: &buffer)
            case Int32(DT_REG):
                try copyFile(name, from: source, to: destination, path: path, buffer: &buffer)
            case Int32(DT_LNK):
                var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let length = readlinkat(source, name, &target, target.count - 1)
                guard length >= 0 else { throw failure("cannot read link \(path)/\(name)") }
                target[length] = 0
                guard symlinkat(target, destination, name) == 0 else {
                    throw failure("cannot create link \(name) in the workspace")
                }
            default:
                continue
            }
        }
    }

    private static func copyFile(_ name: String, from source: Int32, to destination: Int32, path: String,
                                 buffer: inout [UInt8]) throws(TestRunError) {
        let input = openat(source, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard input >= 0 else { throw failure("cannot read \(path)/\(name)") }
        defer { close(input) }
        var info = stat()
        fstat(input, &info)
        let output = openat(destination, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, info.st_mode & 0o7777)
        guard output >= 0 else { throw failure("cannot write the copy of \(path)/\(name)") }
        defer { close(output) }
        let capacity = buffer.count
        let ok: Bool = buffer.withUnsafeMutableBytes { bytes in
            while true {
                let count = read(input, bytes.baseAddress, capacity)
                if count == 0 { return true }
                if count < 0 { if errno == EINTR { continue } else { return false } }
                var written = 0
                while written < count {
                    let result = write(output, bytes.baseAddress! + written, count - written)
                    if result < 0 { if errno == EINTR { continue } else { return false } }
                    written += result
                }
            }
        }
        guard ok else { throw failure("cannot copy \(path)/\(name)") }
    }

    private static func directoryEntryType(of mode: mode_t) -> UInt8 {
        switch mode & S_IFMT {
        case S_IFDIR: UInt8(DT_DIR)
        case S_IFREG: UInt8(DT_REG)
        case S_IFLNK: UInt8(DT_LNK)
        default: UInt8(DT_UNKNOWN)
        }
    }

    private static func failure(_ what: String) -> TestRunError {
        TestRunError(.workspace, "workspace copy: \(what): \(String(cString: strerror(errno)))")
    }
}
