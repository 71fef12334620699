/// Parses `KEY=VALUE` arguments: `manifest check --var/--override`, `config set`, `pipelines config set`.
enum KeyValueArguments {
    /// Splits at the first `=`; the value may be empty or contain more `=`. A later repeat of a key wins.
    /// `option` names the flag in messages (`--var`); positional arguments pass "argument".
    static func parse(_ arguments: [String], option: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "=") else {
                throw CLIFailure.usage("\(option) \(argument): expected KEY=VALUE")
            }
            let key = String(argument[..<equals])
            guard !key.isEmpty else {
                throw CLIFailure.usage("\(option) \(argument): the key before '=' is empty")
            }
            guard !key.contains("\u{0}") else {
                throw CLIFailure.usage("\(option): a key cannot contain a NUL character")
            }
            values[key] = String(argument[argument.index(after: equals)...])
        }
        return values
    }
}
