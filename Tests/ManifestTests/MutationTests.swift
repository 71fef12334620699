import Foundation
import Testing
@testable import Manifest

/// Thousands of damaged app.json and Procfile inputs derived from the corpus: every one must end in a value or
/// in errors — never a crash, never a hang, never both a value and errors.
@Suite struct MutationTests {
    static let seeds: [[UInt8]] = (try? TestPaths.corpusFiles().compactMap { try? [UInt8](Data(contentsOf: $0)) }) ?? []

    @Test(.timeLimit(.minutes(1)))
    func byteLevelMutationsNeverCrashOrHang() throws {
        try #require(Self.seeds.count == 51)
        var random = SeededGenerator(seed: 0x5EED_0001)
        var accepted = 0
        var rejected = 0
        for iteration in 0..<3000 {
            var bytes = Self.seeds[Int.random(in: 0..<Self.seeds.count, using: &random)]
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                bytes = mutate(bytes, iteration: iteration, using: &random)
            }
            let procfile = iteration % 7 == 0 ? mutateProcfile(using: &random) : Array("web: serve\n".utf8)
            let load = ManifestLoader.parse(appJSON: bytes, procfile: procfile)
            check(load)
            if load.appJSON != nil { accepted += 1 } else { rejected += 1 }
        }
        // The mutations must actually exercise both outcomes.
        #expect(accepted > 100)
        #expect(rejected > 1000)
    }

    @Test(.timeLimit(.minutes(1)))
    func typeSwapsAtEveryDepthAreReportedAtTheirPath() throws {
        var random = SeededGenerator(seed: 0x5EED_0002)
        let documents = Self.seeds.compactMap { try? JSONParser.parse($0).value }
        try #require(documents.count >= 40)
        var swapsReported = 0
        for _ in 0..<2000 {
            var document = documents[Int.random(in: 0..<documents.count, using: &random)]
            var path: [JSONPath.Component] = []
            document = swapRandomNode(document, path: &path, using: &random)
            let bytes = Array(JSONTestWriter.write(document).utf8)
            let result = AppJSONDecoder.decode(bytes)
            #expect((result.appJSON == nil) == result.diagnostics.contains { $0.severity == .error })
            let load = ManifestLoader.parse(appJSON: bytes, procfile: nil)
            check(load)
            if result.appJSON == nil { swapsReported += 1 }
        }
        #expect(swapsReported > 200)
    }

    @Test(.timeLimit(.minutes(1)))
    func deepNestingAndHugeStringsAreHandled() {
        var random = SeededGenerator(seed: 0x5EED_0003)
        for depth in [511, 512, 513, 1000, 100_000] {
            for opener in ["[", "{\"a\":"] {
                let text = "{\"env\": " + String(repeating: opener, count: depth)
                let load = ManifestLoader.parse(appJSON: Array(text.utf8), procfile: nil)
                #expect(!load.isValid)
                check(load)
            }
        }
        for _ in 0..<6 {
            let size = Int.random(in: 100_000...900_000, using: &random)
            let huge = String(repeating: "x", count: size)
            let text = "{\"name\": \"\(huge)\", \"env\": {\"K\": \"\(huge)\", \"\(huge)\": \"v\"}, \"scripts\": {\"test\": \"\(huge)\"}}"
            let load = ManifestLoader.parse(appJSON: Array(text.utf8), procfile: nil)
            check(load)
            #expect(load.isValid)
            #expect(load.appJSON?.envVar(named: "K")?.value?.count == size)
        }
    }

    // MARK: - Invariants

    private func check(_ load: ManifestLoadResult) {
        #expect(load.errors.allSatisfy { $0.severity == .error && !$0.message.isEmpty })
        #expect(load.warnings.allSatisfy { $0.severity == .warning && !$0.message.isEmpty })
        if load.hasAppJSONFile {
            let appJSONErrors = load.errors.contains { $0.file == .appJSON }
            #expect((load.appJSON == nil) == appJSONErrors)
        }
        var generator = SeededGenerator(seed: 1)
        for context in ManifestContext.allCases {
            let report = ManifestCheck.report(for: load, options: ManifestCheckOptions(context: context, pipelineVars: ["A": "b"], isFork: context == .review), generator: &generator)
            #expect(report.isValid == report.errors.isEmpty)
            if !load.isValid { #expect(!report.isValid) }
        }
    }

    // MARK: - Mutations

    private func mutate(_ input: [UInt8], iteration: Int, using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        let position = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &random)
        switch Int.random(in: 0..<10, using: &random) {
        case 0:  // truncate
            bytes.removeSubrange(position...)
        case 1:  // delete a range
            let end = min(bytes.count, position + Int.random(in: 1...20, using: &random))
            bytes.removeSubrange(position..<end)
        case 2:  // insert random bytes, often invalid UTF-8
            let inserted = (0..<Int.random(in: 1...4, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            bytes.insert(contentsOf: inserted, at: position)
        case 3:  // flip one byte
            if position < bytes.count { bytes[position] ^= UInt8.random(in: 1...255, using: &random) }
        case 4:  // swap structural characters
            let swaps: [(UInt8, UInt8)] = [(0x7B, 0x5B), (0x7D, 0x5D), (0x3A, 0x2C), (0x2C, 0x3A), (0x22, 0x27)]
            let (from, to) = swaps[Int.random(in: 0..<swaps.count, using: &random)]
            if let index = bytes[position...].firstIndex(of: from) { bytes[index] = to }
        case 5:  // type swap at text level: a string value becomes a number, boolean, null or container
            let replacements = ["123", "true", "null", "[]", "{}", "-0.5e10", "\"yes\"", "[1, {\"a\": null}]"]
            if let quote = bytes[position...].firstIndex(of: 0x22),
               let close = bytes[(quote + 1)...].firstIndex(of: 0x22) {
                bytes.replaceSubrange(quote...close, with: Array(replacements[Int.random(in: 0..<replacements.count, using: &random)].utf8))
            }
        case 6:  // deep nesting
            let opener = Bool.random(using: &random) ? "[" : "{\"k\":"
            bytes.insert(contentsOf: Array(String(repeating: opener, count: Int.random(in: 300...3000, using: &random)).utf8), at: position)
        case 7:  // a long string (rarely huge, to keep the suite fast)
            let length = iteration % 200 == 0 ? 400_000 : Int.random(in: 100...5000, using: &random)
            bytes.insert(contentsOf: Array(("\"" + String(repeating: "é", count: length) + "\",").utf8), at: position)
        case 8:  // duplicate a slice
            let end = min(bytes.count, position + Int.random(in: 1...200, using: &random))
            bytes.insert(contentsOf: Array(bytes[position..<end]), at: position)
        default:  // invalid UTF-8 inside a string
            if let quote = bytes[position...].firstIndex(of: 0x22) {
                bytes.insert(contentsOf: [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]][Int.random(in: 0..<4, using: &random)], at: quote + 1)
            }
        }
        return bytes
    }

    private func mutateProcfile(using random: inout SeededGenerator) -> [UInt8] {
        var bytes = Array("web: bundle exec puma\nworker: sidekiq\n# comment\n\nrelease: rake db:migrate\r\n".utf8)
        for _ in 0..<Int.random(in: 1...5, using: &random) {
            let position = Int.random(in: 0...bytes.count, using: &random)
            bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
        }
        return bytes
    }

    /// Replaces one node, chosen by a random walk, with a value of another type.
    private func swapRandomNode(_ value: JSONValue, path: inout [JSONPath.Component], using random: inout SeededGenerator) -> JSONValue {
        let descend = Int.random(in: 0..<4, using: &random) != 0
        switch value {
        case .object(var object) where descend && !object.isEmpty:
            let member = object.members[Int.random(in: 0..<object.count, using: &random)]
            path.append(.key(member.key))
            object.set(member.key, swapRandomNode(member.value, path: &path, using: &random))
            return .object(object)
        case .array(var items) where descend && !items.isEmpty:
            let index = Int.random(in: 0..<items.count, using: &random)
            path.append(.index(index))
            items[index] = swapRandomNode(items[index], path: &path, using: &random)
            return .array(items)
        default:
            let choices: [JSONValue] = [
                .null, .bool(true), .number("42"), .number("-1"), .number("99999999999999999999"), .string("yes"), .string(""),
                .array([]), .array([.number("1")]), .object(JSONObject()),
            ]
            return choices[Int.random(in: 0..<choices.count, using: &random)]
        }
    }
}

/// Writes a `JSONValue` back as JSON text (tests only).
enum JSONTestWriter {
    static func write(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return text
        case .string(let text): return quote(text)
        case .array(let items): return "[" + items.map(write).joined(separator: ",") + "]"
        case .object(let object): return "{" + object.members.map { quote($0.key) + ":" + write($0.value) }.joined(separator: ",") + "}"
        }
    }

    private static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
