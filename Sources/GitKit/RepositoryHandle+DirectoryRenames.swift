import CGit2

/// Directory renames, which git's `ort` merge detects and libgit2's merge does not.
///
/// When one side moves a whole directory elsewhere and the other side adds a file to it, git reports a
/// "file location" conflict (it will not guess where the new file belongs); libgit2 merges cleanly and
/// leaves the new file in the old directory. After a clean full merge this check finds that case so
/// Slipway reports the conflict git reports.
extension RepositoryHandle {
    /// Paths of files the merge left in a directory that the other side renamed away, sorted.
    func directoryRenameConflicts(base: RawOID, ours: RawOID, theirs: RawOID, merged: RawOID) throws(GitError) -> [String] {
        let baseFiles = try flatten(base)
        let mergedFiles = try flatten(merged)
        var conflicts = Set<String>()
        for side in [ours, theirs] {
            let sideFiles = try flatten(side)
            let sideDirectories = Self.directories(of: sideFiles.keys)
            // Where the side's blobs live, to tell a moved directory from a deleted one.
            var sideLocations: [RawOID: [String]] = [:]
            for (path, id) in sideFiles { sideLocations[id, default: []].append(path) }
            let mergedDirectories = Self.directories(of: mergedFiles.keys)
            for directory in Self.directories(of: baseFiles.keys)
            where !sideDirectories.contains(directory) && mergedDirectories.contains(directory) {
                let prefix = directory + "/"
                let moved = baseFiles.contains { path, id in
                    path.hasPrefix(prefix) && (sideLocations[id] ?? []).contains { !$0.hasPrefix(prefix) }
                }
                guard moved else { continue }
                for path in mergedFiles.keys where path.hasPrefix(prefix) && baseFiles[path] == nil {
                    conflicts.insert(path)
                }
            }
        }
        return conflicts.sorted()
    }

    /// Every file of a tree: path → blob id.
    private func flatten(_ tree: RawOID, prefix: String = "") throws(GitError) -> [String: RawOID] {
        var files: [String: RawOID] = [:]
        for (name, entry) in try treeEntries(tree) {
            let path = prefix + name
            if entry.isDirectory {
                files.merge(try flatten(entry.id, prefix: path + "/")) { first, _ in first }
            } else {
                files[path] = entry.id
            }
        }
        return files
    }

    private static func directories(of paths: some Collection<String>) -> Set<String> {
        var result = Set<String>()
        for path in paths {
            var components = path.split(separator: "/").dropLast()
            while !components.isEmpty {
                result.insert(components.joined(separator: "/"))
                components = components.dropLast()
            }
        }
        return result
    }
}
