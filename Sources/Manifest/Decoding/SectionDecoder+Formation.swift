extension SectionDecoder {
    /// `formation`: process type → `{quantity, size}`.
    ///
    /// Some apps in the wild write an array of single-key objects (`[{"worker": {…}}, {"web": {…}}]`). Heroku's
    /// schema does not allow it, but its meaning is unambiguous, so it is read as the object form with a warning.
    func formation(_ value: JSONValue, _ path: JSONPath, scope: DecodingScope) -> Formation? {
        var members: [(key: String, value: JSONValue, path: JSONPath)] = []
        switch value {
        case .object(let object):
            members = object.members.map { ($0.key, $0.value, path.key($0.key)) }
        case .array(let items):
            var interpretable = true
            for (index, item) in items.enumerated() {
                guard case .object(let element) = item else {
                    reader.typeError(path.index(index), expected: "an object {\"<process type>\": {quantity, size}}", got: item)
                    interpretable = false
                    continue
                }
                members += element.members.map { ($0.key, $0.value, path.index(index).key($0.key)) }
            }
            guard interpretable else { return nil }
            reader.warning(path, "expected an object keyed by process type, got an array; read as {\(members.map { "\"\($0.key)\": …" }.joined(separator: ", "))}")
        default:
            reader.typeError(path, expected: "an object keyed by process type", got: value)
            return nil
        }

        var entries: [FormationDeclaration] = []
        var seen: [String: JSONPath] = [:]
        var valid = true
        for member in members {
            guard ProcfileParser.isValidProcessType(member.key) else {
                reader.error(member.path, "invalid process type \"\(member.key.shortened.debugEscaped)\": use letters, digits, '_' and '-'")
                valid = false
                continue
            }
            if let earlier = seen[member.key] {
                reader.warning(member.path, "process type given again (first at \(earlier)); the last one is used")
                entries.removeAll { $0.processType == member.key }
            }
            seen[member.key] = member.path
            guard let entry = formationEntry(member.key, member.value, member.path, scope: scope) else {
                valid = false
                continue
            }
            entries.append(entry)
        }
        return valid ? Formation(entries) : nil
    }

    private func formationEntry(_ type: String, _ value: JSONValue, _ path: JSONPath, scope: DecodingScope) -> FormationDeclaration? {
        guard let object = reader.object(value, path, expected: "an object {quantity, size}") else { return nil }
        reader.warnUnknownKeys(object, path, known: ["quantity", "size"])
        var entry = FormationDeclaration(processType: type)
        var valid = true
        if let quantity = object["quantity"] {
            let isCIWorkers = type == "test" && scope != .review
            let range = isCIWorkers ? Formation.testWorkerRange : 0...10_000
            let rangeMessage = isCIWorkers
                ? "the CI worker count must be from \(Formation.testWorkerRange.lowerBound) to \(Formation.testWorkerRange.upperBound)"
                : "expected a quantity from 0 to 10000"
            if let number = reader.integer(quantity, path.key("quantity"), in: range, rangeMessage: rangeMessage) {
                entry.quantity = number
            } else {
                valid = false
            }
        }
        if let size = object["size"] {
            if let text = reader.string(size, path.key("size")) {
                entry.size = text
                warnAboutSize(text, path.key("size"))
            } else {
                valid = false
            }
        }
        return valid ? entry : nil
    }
}
