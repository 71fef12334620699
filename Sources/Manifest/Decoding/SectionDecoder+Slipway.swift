extension SectionDecoder {
    /// Slipway's own block: `{build, tests: {files, split, retries, junit}, review: {stale_days, wait_for_ci},
    /// sandbox: {network}}`.
    func slipway(_ value: JSONValue, _ path: JSONPath) -> SlipwaySettings? {
        guard let object = reader.object(value, path, expected: "an object {build, tests, review, sandbox}") else { return nil }
        reader.warnUnknownKeys(object, path, known: ["build", "tests", "review", "sandbox"])
        var settings = SlipwaySettings()
        var valid = true
        if let build = object["build"] {
            if let command = reader.string(build, path.key("build"), expected: "a command string") { settings.build = command } else { valid = false }
        }
        if let tests = object["tests"] {
            if let decoded = self.tests(tests, path.key("tests")) { settings.tests = decoded } else { valid = false }
        }
        if let review = object["review"] {
            if let decoded = self.review(review, path.key("review")) { settings.review = decoded } else { valid = false }
        }
        if let sandbox = object["sandbox"] {
            if let network = self.sandboxNetwork(sandbox, path.key("sandbox")) { settings.sandboxNetwork = network } else { valid = false }
        }
        return valid ? settings : nil
    }

    /// `{network: "shared" | "none"}`; returns the network ("shared" when not given), nil when invalid.
    private func sandboxNetwork(_ value: JSONValue, _ path: JSONPath) -> String? {
        guard let object = reader.object(value, path, expected: "an object {network}") else { return nil }
        reader.warnUnknownKeys(object, path, known: ["network"])
        guard let network = object["network"] else { return "shared" }
        guard let text = reader.string(network, path.key("network")) else { return nil }
        let choices = SlipwaySettings.sandboxNetworks
        guard choices.contains(text) else {
            reader.error(path.key("network"), "expected one of \(choices.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(text.shortened.debugEscaped)\"\(Suggestion.hint(for: text, among: choices))")
            return nil
        }
        return text
    }

    /// Most retries Slipway allows: a flaky file rerun more often than this hides a real failure.
    static let maximumRetries = 10

    private func tests(_ value: JSONValue, _ path: JSONPath) -> TestSettings? {
        guard let object = reader.object(value, path, expected: "an object {files, split, retries, junit}") else { return nil }
        reader.warnUnknownKeys(object, path, known: ["files", "split", "retries", "junit"])
        var settings = TestSettings()
        var valid = true
        if let files = object["files"] {
            if let globs = reader.stringArray(files, path.key("files"), expected: "an array of globs") {
                settings.files = globs
                if globs.isEmpty { reader.warning(path.key("files"), "no globs: Slipway cannot find test files to split") }
            } else {
                valid = false
            }
        }
        if let split = object["split"] {
            if let text = reader.string(split, path.key("split")) {
                if let strategy = TestSplitStrategy(rawValue: text) {
                    settings.split = strategy
                } else {
                    let choices = TestSplitStrategy.allCases.map(\.rawValue)
                    reader.error(path.key("split"), "expected one of \(choices.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(text.shortened.debugEscaped)\"\(Suggestion.hint(for: text, among: choices))")
                    valid = false
                }
            } else {
                valid = false
            }
        }
        if let retries = object["retries"] {
            if let count = reader.integer(retries, path.key("retries"), in: 0...Self.maximumRetries) { settings.retries = count } else { valid = false }
        }
        if let junit = object["junit"] {
            if let glob = reader.string(junit, path.key("junit"), expected: "a glob string") { settings.junit = glob } else { valid = false }
        }
        return valid ? settings : nil
    }

    private func review(_ value: JSONValue, _ path: JSONPath) -> ReviewSettings? {
        guard let object = reader.object(value, path, expected: "an object {stale_days, wait_for_ci}") else { return nil }
        reader.warnUnknownKeys(object, path, known: ["stale_days", "wait_for_ci"])
        var settings = ReviewSettings()
        var valid = true
        if let days = object["stale_days"] {
            if let count = reader.integer(days, path.key("stale_days"), in: 1...3650) { settings.staleDays = count } else { valid = false }
        }
        if let wait = object["wait_for_ci"] {
            if let flag = reader.bool(wait, path.key("wait_for_ci")) { settings.waitForCI = flag } else { valid = false }
        }
        return valid ? settings : nil
    }
}
