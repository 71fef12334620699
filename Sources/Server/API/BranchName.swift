/// A conservative check of a branch name (a subset of `git check-ref-format --branch`), so a pipeline
/// cannot be created with a target that no ref could ever have.
enum BranchName {
    static func problem(with name: String) -> String? {
        if name.isEmpty { return "a branch name cannot be empty" }
        if name.utf8.count > 200 { return "a branch name is at most 200 characters" }
        if name.hasPrefix("-") || name.hasPrefix("/") || name.hasSuffix("/") || name.hasSuffix(".")
            || name.hasSuffix(".lock") || name.contains("..") || name.contains("//") || name.contains("@{") {
            return "'\(name.prefix(60))' is not a valid branch name"
        }
        let forbidden: Set<Character> = [" ", "~", "^", ":", "?", "*", "[", "\\"]
        if name.contains(where: { forbidden.contains($0) || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7f } == true }) {
            return "'\(name.prefix(60))' is not a valid branch name"
        }
        return nil
    }
}
