import Testing
@testable import Sharding

@Suite("Globs and discovery")
struct GlobTests {
    @Test("glob syntax", arguments: [
        ("tests/*.py", "tests/test_a.py", true),
        ("tests/*.py", "tests/sub/test_a.py", false),
        ("tests/**/*.py", "tests/test_a.py", true),
        ("tests/**/*.py", "tests/a/b/test_a.py", true),
        ("**/*_test.go", "pkg/x/y_test.go", true),
        ("**/*_test.go", "y_test.go", true),
        ("spec/**", "spec/a/b.rb", true),
        ("t?.sh", "t1.sh", true),
        ("t?.sh", "t12.sh", false),
        ("t[0-9].sh", "t7.sh", true),
        ("t[!0-9].sh", "t7.sh", false),
        ("src/**/*.{js,ts}", "src/a/b.ts", true),
        ("src/**/*.{js,ts}", "src/a/b.tsx", false),
        ("a.b", "axb", false),
        ("tests/(x)+.sh", "tests/(x)+.sh", true),
    ])
    func matching(pattern: String, path: String, expected: Bool) throws {
        #expect(try Glob(pattern).matches(path) == expected)
    }

    @Test("invalid globs name the problem", arguments: ["tests/[abc", "src/{a,b", "tests/**.py"])
    func invalid(pattern: String) {
        #expect(throws: GlobError.self) { try Glob(pattern) }
    }

    @Test("discovery: includes, excludes, sorted, no duplicates")
    func discovery() throws {
        let paths = ["tests/b_test.py", "tests/a_test.py", "tests/slow/c_test.py", "lib/x.py", "tests/helper.py"]
        let discovery = try TestDiscovery(patterns: ["tests/**/*_test.py", "tests/*_test.py", "!tests/slow/**"])
        #expect(discovery.files(in: paths) == ["tests/a_test.py", "tests/b_test.py"])
    }
}
