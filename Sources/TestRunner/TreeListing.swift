import Foundation

/// Lists the files of an app directory as `/`-separated relative paths, for test discovery.
enum TreeListing {
    static func files(in directory: URL, excluding: Set<String>) throws(TestRunError) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory.path) else {
            throw TestRunError(.configuration, "cannot list \(directory.path)")
        }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let first = relative.split(separator: "/", maxSplits: 1).first.map(String.init) ?? relative
            if excluding.contains(first) {
                if !relative.contains("/") { walker.skipDescendants() }
                continue
            }
            if (walker.fileAttributes?[.type] as? FileAttributeType) != .typeDirectory { files.append(relative) }
        }
        return files
    }
}
