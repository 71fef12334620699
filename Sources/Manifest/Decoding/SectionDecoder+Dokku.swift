extension SectionDecoder {
    static let healthCheckKeys = [
        "type", "name", "description", "path", "command", "content", "timeout", "attempts", "wait", "initialDelay",
        "uptime", "port", "scheme", "warn",
    ]

    /// Dokku `healthchecks`: process type → array of checks.
    func healthchecks(_ value: JSONValue, _ path: JSONPath) -> [String: [HealthCheck]]? {
        guard let object = reader.object(value, path, expected: "an object keyed by process type") else { return nil }
        var result: [String: [HealthCheck]] = [:]
        var valid = true
        for member in object.members {
            let typePath = path.key(member.key)
            guard ProcfileParser.isValidProcessType(member.key) else {
                reader.error(typePath, "invalid process type \"\(member.key.shortened.debugEscaped)\": use letters, digits, '_' and '-'")
                valid = false
                continue
            }
            guard case .array(let items) = member.value else {
                reader.typeError(typePath, expected: "an array of checks", got: member.value)
                valid = false
                continue
            }
            var checks: [HealthCheck] = []
            for (index, item) in items.enumerated() {
                if let check = healthCheck(item, typePath.index(index)) { checks.append(check) } else { valid = false }
            }
            result[member.key] = checks
        }
        return valid ? result : nil
    }

    private func healthCheck(_ value: JSONValue, _ path: JSONPath) -> HealthCheck? {
        guard let object = reader.object(value, path, expected: "a check object") else { return nil }
        reader.warnUnknownKeys(object, path, known: Self.healthCheckKeys)
        var check = HealthCheck()
        var valid = true
        func text(_ key: String) -> String? {
            guard let value = object[key] else { return nil }
            let result = reader.string(value, path.key(key))
            if result == nil { valid = false }
            return result
        }
        func seconds(_ key: String, _ range: ClosedRange<Int> = 0...86_400 * 365) -> Int? {
            guard let value = object[key] else { return nil }
            let result = reader.integer(value, path.key(key), in: range)
            if result == nil { valid = false }
            return result
        }
        if let type = text("type") {
            if let kind = HealthCheck.Kind(rawValue: type) {
                check.type = kind
            } else {
                reader.error(path.key("type"), "unknown check type \"\(type.shortened.debugEscaped)\"; expected startup, liveness or readiness")
                valid = false
            }
        }
        check.name = text("name")
        check.description = text("description")
        check.path = text("path")
        if let checkPath = check.path, !checkPath.hasPrefix("/") {
            reader.warning(path.key("path"), "a check path should start with '/'")
        }
        if let command = object["command"] {
            switch command {
            case .string(let line): check.command = [line]
            default:
                if let words = reader.stringArray(command, path.key("command"), expected: "a command (array of strings)") {
                    check.command = words
                } else {
                    valid = false
                }
            }
        }
        check.content = text("content")
        check.timeout = seconds("timeout")
        check.attempts = seconds("attempts", 1...1000)
        check.wait = seconds("wait")
        check.initialDelay = seconds("initialDelay")
        check.uptime = seconds("uptime")
        check.port = seconds("port", 1...65_535)
        check.scheme = text("scheme")
        if let warn = object["warn"] {
            if let flag = reader.bool(warn, path.key("warn")) { check.warn = flag } else { valid = false }
        }
        return valid ? check : nil
    }

    /// Dokku `cron`: recognised so it is not reported as unknown, but Slipway does not schedule it.
    func cron(_ value: JSONValue, _ path: JSONPath) {
        reader.warning(path, "Dokku cron tasks are not run by Slipway; they are ignored")
    }
}
