/// `engines.node` as npm writes it: ranges joined by `||`, each a set of comparators (`>=18 <21`), with the
/// shorthands `*`, `x`, `20`, `20.x`, `^20.1`, `~20.1.0` and `18 - 20`. Enough of semver to check the
/// installed node against what a `package.json` asks for.
struct NodeVersionRange {
    let text: String
    private let alternatives: [[Comparator]]

    private struct Comparator {
        enum Operation { case less, lessOrEqual, greater, greaterOrEqual, equal }
        var operation: Operation
        var version: [Int]

        func accepts(_ version: [Int]) -> Bool {
            let order = version.lexicographicallyPrecedes(self.version) ? -1 : (version == self.version ? 0 : 1)
            switch operation {
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            case .greater: return order > 0
            case .greaterOrEqual: return order >= 0
            case .equal: return order == 0
            }
        }
    }

    /// Nil when `text` is not a range this understands.
    init?(_ text: String) {
        self.text = text
        var alternatives: [[Comparator]] = []
        for part in text.split(separator: "|", omittingEmptySubsequences: true) {
            var tokens = part.split(whereSeparator: \.isWhitespace).map(String.init)
            // `1.2 - 2.3`: an inclusive range.
            if tokens.count == 3 && tokens[1] == "-" { tokens = [">=" + tokens[0], "<=" + tokens[2]] }
            var comparators: [Comparator] = []
            for token in tokens {
                guard let parsed = Self.comparators(token) else { return nil }
                comparators += parsed
            }
            alternatives.append(comparators)
        }
        if alternatives.isEmpty { alternatives = [[]] }
        self.alternatives = alternatives
    }

    func isSatisfied(by version: String) -> Bool {
        let parts = version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        let padded = Array((parts + [0, 0, 0]).prefix(3))
        return alternatives.contains { $0.allSatisfy { $0.accepts(padded) } }
    }

    private static func comparators(_ token: String) -> [Comparator]? {
        var token = token
        var prefix = ""
        for candidate in [">=", "<=", ">", "<", "=", "^", "~", "v"] where token.hasPrefix(candidate) {
            prefix = candidate
            token = String(token.dropFirst(candidate.count))
            break
        }
        if token.hasPrefix("v") { token.removeFirst() }
        let pieces = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var numbers: [Int] = []
        for piece in pieces {
            if piece == "x" || piece == "X" || piece == "*" { break }
            guard let number = Int(piece) else { return nil }
            numbers.append(number)
        }
        guard numbers.count <= 3 else { return nil }
        if numbers.isEmpty { return prefix.isEmpty || prefix == "=" || prefix == ">=" ? [] : nil }
        let low = Array((numbers + [0, 0, 0]).prefix(3))
        func next(_ index: Int) -> [Int] {
            var bumped = Array(low.prefix(index + 1))
            bumped[index] += 1
            return Array((bumped + [0, 0, 0]).prefix(3))
        }
        switch prefix {
        case ">=": return [Comparator(operation: .greaterOrEqual, version: low)]
        case ">": return numbers.count == 3 ? [Comparator(operation: .greater, version: low)]
            : [Comparator(operation: .greaterOrEqual, version: next(numbers.count - 1))]
        case "<": return [Comparator(operation: .less, version: low)]
        case "<=": return numbers.count == 3 ? [Comparator(operation: .lessOrEqual, version: low)]
            : [Comparator(operation: .less, version: next(numbers.count - 1))]
        case "^":
            let index = low.firstIndex { $0 != 0 }.map { min($0, numbers.count - 1) } ?? numbers.count - 1
            return [Comparator(operation: .greaterOrEqual, version: low), Comparator(operation: .less, version: next(index))]
        case "~":
            let index = numbers.count == 1 ? 0 : 1
            return [Comparator(operation: .greaterOrEqual, version: low), Comparator(operation: .less, version: next(index))]
        default:
            // `20`, `20.1`, `=20.1.2`: that version, any finer parts.
            if numbers.count == 3 { return [Comparator(operation: .equal, version: low)] }
            return [Comparator(operation: .greaterOrEqual, version: low),
                    Comparator(operation: .less, version: next(numbers.count - 1))]
        }
    }
}
