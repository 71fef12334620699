import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Copies a dependency layer (a venv, a `node_modules`) between the cache and a build by hard links:
/// directories are made anew, regular files are linked, symbolic links are recreated. A warm build so
/// restores tens of thousands of files in a fraction of a second and no byte is copied.
///
/// Safe because nothing rewrites a layer's files in place: installers and Slipway's relocation replace files
/// (write, then rename), and new files (`__pycache__`, build output) land in directories of the build alone.
enum LayerLinker {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Links the contents of `source` into `destination` (created). Returns the bytes of the regular files.
    @discardableResult
    static func link(from source: String, to destination: String) throws(Failure) -> Int {
        guard mkdir(destination, 0o755) == 0 || errno == EEXIST else {
            throw Failure(description: "cannot create \(destination): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        if stat(source, &info) == 0 { chmod(destination, info.st_mode & 0o7777) }
        var bytes = 0
        try linkContents(of: source, into: destination, bytes: &bytes)
        return bytes
    }

    private static func linkContents(of source: String, into destination: String, bytes: inout Int) throws(Failure) {
        guard let directory = opendir(source) else {
            throw Failure(description: "cannot list \(source): \(String(cString: strerror(errno)))")
        }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." { continue }
            let from = source + "/" + name
            let to = destination + "/" + name
            var info = stat()
            guard lstat(from, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                guard mkdir(to, info.st_mode & 0o7777) == 0 || errno == EEXIST else {
                    throw Failure(description: "cannot create \(to): \(String(cString: strerror(errno)))")
                }
                try linkContents(of: from, into: to, bytes: &bytes)
            case S_IFREG:
                guard Glibc.link(from, to) == 0 else {
                    throw Failure(description: "cannot link \(from) to \(to): \(String(cString: strerror(errno)))")
                }
                bytes += Int(info.st_size)
            case S_IFLNK:
                var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let length = readlink(from, &target, target.count - 1)
                guard length >= 0 else { continue }
                target[length] = 0
                guard symlink(target, to) == 0 else {
                    throw Failure(description: "cannot recreate the link \(to): \(String(cString: strerror(errno)))")
                }
            default:
                continue
            }
        }
    }
}

/// Rewrites the absolute path a layer was built at into the path it runs at, in the files that bake it: a
/// venv's script shebangs (`#!/…/.heroku/python/bin/python`), its `activate` scripts and `pyvenv.cfg`.
/// Files are replaced (write, then rename), never changed in place, so a hard-linked cache stays intact.
enum PathRelocation {
    static func relocate(files directory: URL, from old: String, to new: String) throws(BuildError) {
        guard old != new else { return }
        let manager = FileManager.default
        let names = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
        let oldBytes = Data(old.utf8)
        for name in names {
            let file = directory.appendingPathComponent(name)
            guard let attributes = try? manager.attributesOfItem(atPath: file.path),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  (attributes[.size] as? NSNumber)?.intValue ?? 0 < 4 * 1024 * 1024,
                  let data = manager.contents(atPath: file.path), data.range(of: oldBytes) != nil else { continue }
            let text = String(decoding: data, as: UTF8.self)
            let replaced = Data(text.replacingOccurrences(of: old, with: new).utf8)
            let temporary = directory.appendingPathComponent(".\(name).slipway-relocate")
            do {
                try replaced.write(to: temporary)
                if let mode = attributes[.posixPermissions] as? NSNumber {
                    try manager.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary.path)
                }
                guard rename(temporary.path, file.path) == 0 else {
                    throw CocoaError(.fileWriteUnknown)
                }
            } catch {
                try? manager.removeItem(at: temporary)
                throw BuildError(message: "cannot rewrite \(file.path) for its new location: \(error)", output: "")
            }
        }
    }
}
