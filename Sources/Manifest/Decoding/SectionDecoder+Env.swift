extension SectionDecoder {
    static let envVarKeys = ["description", "value", "required", "generator"]

    /// `env`: an object of config vars, each a string (its value) or `{description, value, required, generator}`.
    func env(_ value: JSONValue, _ path: JSONPath) -> [EnvVarSpec]? {
        guard let object = reader.object(value, path, expected: "an object of config vars") else { return nil }
        var specs: [EnvVarSpec] = []
        for member in object.members {
            if let spec = envVar(named: member.key, member.value, path.key(member.key)) {
                specs.append(spec)
            }
        }
        return specs
    }

    private func envVar(named name: String, _ value: JSONValue, _ path: JSONPath) -> EnvVarSpec? {
        guard checkName(name, path) else { return nil }
        switch value {
        case .string(let text):
            guard checkValue(text, path) else { return nil }
            return EnvVarSpec(name: name, value: text)
        case .number, .bool:
            let text = value.scalarText ?? ""
            reader.warning(path, "\(value.shortDescription) is not a string; it is used as the text \"\(text)\" (quote it to say so)")
            return EnvVarSpec(name: name, value: text)
        case .object(let object):
            return envVarObject(named: name, object, path)
        case .null, .array:
            reader.typeError(path, expected: "a string or an object {description, value, required, generator}", got: value)
            return nil
        }
    }

    private func envVarObject(named name: String, _ object: JSONObject, _ path: JSONPath) -> EnvVarSpec? {
        var spec = EnvVarSpec(name: name)
        var valid = true
        for member in object.members {
            let memberPath = path.key(member.key)
            switch member.key {
            case "description":
                if let text = reader.string(member.value, memberPath) { spec.description = text } else { valid = false }
            case "value", "default":
                if member.key == "default" {
                    // The first app.json spec called the default `default`; Heroku later named it `value`.
                    reader.warning(memberPath, "\"default\" is the old name of \"value\"; it is used as the value")
                }
                switch member.value {
                case .string(let text):
                    if checkValue(text, memberPath) { spec.value = text } else { valid = false }
                case .number, .bool:
                    let text = member.value.scalarText ?? ""
                    reader.warning(memberPath, "\(member.value.shortDescription) is not a string; it is used as the text \"\(text)\" (quote it to say so)")
                    spec.value = text
                default:
                    reader.typeError(memberPath, expected: "a string", got: member.value)
                    valid = false
                }
            case "required":
                if let flag = reader.bool(member.value, memberPath) { spec.required = flag } else { valid = false }
            case "generator":
                guard let text = reader.string(member.value, memberPath) else {
                    valid = false
                    continue
                }
                if let generator = EnvVarSpec.Generator(rawValue: text) {
                    spec.generator = generator
                } else {
                    reader.error(memberPath, "unsupported generator \"\(text.shortened.debugEscaped)\"; the only generator is \"secret\"")
                    valid = false
                }
            default:
                reader.warning(memberPath, "unknown key; it is ignored\(Suggestion.hint(for: member.key, among: Self.envVarKeys))")
            }
        }
        if spec.generator != nil, spec.value != nil {
            reader.warning(path, "has both a value and a generator; the generated secret is used")
            spec.value = nil
        }
        return valid ? spec : nil
    }

    /// Names must be usable as environment variable names. Lower-case and unusual characters only warn:
    /// Heroku accepts them, but they are usually a mistake.
    private func checkName(_ name: String, _ path: JSONPath) -> Bool {
        if name.isEmpty {
            reader.error(path, "a config var name cannot be empty")
            return false
        }
        if name.contains("=") || name.contains("\u{0}") {
            reader.error(path, "a config var name cannot contain '=' or a NUL character")
            return false
        }
        let isPortable = name.utf8.enumerated().allSatisfy { index, byte in
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
                || (index > 0 && byte >= 0x30 && byte <= 0x39)
        }
        if !isPortable {
            reader.warning(path, "\"\(name.shortened.debugEscaped)\" is not a portable environment variable name (letters, digits and '_', not starting with a digit)")
        } else if name != name.uppercased() {
            reader.warning(path, "config var names are conventionally upper-case; code reading \(name.uppercased()) will not see it")
        }
        return true
    }

    private func checkValue(_ value: String, _ path: JSONPath) -> Bool {
        if value.contains("\u{0}") {
            reader.error(path, "a config var value cannot contain a NUL character")
            return false
        }
        return true
    }
}
