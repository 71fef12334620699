extension SectionDecoder {
    /// Script names with a meaning, plus `dokku` (which holds Dokku's `predeploy` and `postdeploy`).
    static let scriptKeys = ["postdeploy", "pr-predestroy", "test-setup", "test", "dokku"]

    /// `scripts`: name → command string, or `{command, size}`; `dokku` → `{predeploy, postdeploy}`.
    func scripts(_ value: JSONValue, _ path: JSONPath, scope: DecodingScope) -> Scripts? {
        guard let object = reader.object(value, path, expected: "an object of scripts") else { return nil }
        var entries: [Script] = []
        var valid = true
        for member in object.members {
            let memberPath = path.key(member.key)
            if member.key == "dokku" {
                guard let dokku = reader.object(member.value, memberPath, expected: "an object {predeploy, postdeploy}") else {
                    valid = false
                    continue
                }
                reader.warnUnknownKeys(dokku, memberPath, known: ["predeploy", "postdeploy"], ignoredBecause: "Dokku runs only predeploy and postdeploy")
                for name in ["predeploy", "postdeploy"] {
                    guard let command = dokku[name] else { continue }
                    if let text = reader.string(command, memberPath.key(name), expected: "a command string") {
                        entries.append(Script(name: "dokku." + name, command: text))
                    } else {
                        valid = false
                    }
                }
                continue
            }
            guard let script = script(named: member.key, member.value, memberPath) else {
                valid = false
                continue
            }
            entries.append(script)
            warnAboutName(member.key, memberPath, scope: scope)
        }
        return valid ? Scripts(entries) : nil
    }

    private func script(named name: String, _ value: JSONValue, _ path: JSONPath) -> Script? {
        switch value {
        case .string(let command):
            if command.trimmingBlanks.isEmpty { reader.warning(path, "the command is empty") }
            return Script(name: name, command: command)
        case .object(let object):
            reader.warnUnknownKeys(object, path, known: ["command", "size"])
            var script = Script(name: name, command: "")
            var valid = true
            if let command = object["command"] {
                if let text = reader.string(command, path.key("command")) { script.command = text } else { valid = false }
            } else {
                reader.error(path, "a script object needs a \"command\"")
                valid = false
            }
            if let size = object["size"] {
                if let text = reader.string(size, path.key("size")) {
                    script.size = text
                    warnAboutSize(text, path.key("size"))
                } else {
                    valid = false
                }
            }
            return valid ? script : nil
        default:
            reader.typeError(path, expected: "a command string or an object {command, size}", got: value)
            return nil
        }
    }

    private func warnAboutName(_ name: String, _ path: JSONPath, scope: DecodingScope) {
        guard Self.scriptKeys.contains(name) else {
            reader.warning(path, "unknown script; it never runs\(Suggestion.hint(for: name, among: Self.scriptKeys))")
            return
        }
        switch scope {
        case .test where name == "postdeploy" || name == "pr-predestroy":
            reader.warning(path, "\(name) does not run in CI; only test-setup and test do")
        case .review where name == "test-setup" || name == "test":
            reader.warning(path, "\(name) does not run in a review app; put it under environments.test.scripts")
        default:
            break
        }
    }

    /// Heroku's dyno sizes, compared case-insensitively. Slipway runs every dyno alike; an unknown size only warns.
    static let dynoSizes: Set<String> = [
        "free", "hobby", "eco", "basic", "standard-1x", "standard-2x", "performance-m", "performance-l",
        "performance-l-ram", "performance-xl", "performance-2xl", "private-s", "private-m", "private-l",
        "private-l-ram", "private-xl", "private-2xl", "shield-s", "shield-m", "shield-l", "shield-l-ram",
        "shield-xl", "shield-2xl", "1x", "2x", "px",
    ]

    func warnAboutSize(_ size: String, _ path: JSONPath) {
        if !Self.dynoSizes.contains(size.lowercased()) {
            reader.warning(path, "unknown dyno size \"\(size.shortened.debugEscaped)\"\(Suggestion.hint(for: size.lowercased(), among: Self.dynoSizes.sorted()))")
        }
    }
}
