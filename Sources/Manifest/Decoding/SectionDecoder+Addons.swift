extension SectionDecoder {
    /// `addons`: each `"service[:plan]"` or `{plan, as, options}`.
    func addons(_ value: JSONValue, _ path: JSONPath, scope: DecodingScope) -> [Addon]? {
        guard case .array(let items) = value else {
            reader.typeError(path, expected: "an array of add-ons", got: value)
            return nil
        }
        var addons: [Addon] = []
        var valid = true
        for (index, item) in items.enumerated() {
            let itemPath = path.index(index)
            switch item {
            case .string(let plan):
                if checkPlan(plan, itemPath, scope: scope) { addons.append(Addon(plan: plan)) } else { valid = false }
            case .object(let object):
                reader.warnUnknownKeys(object, itemPath, known: ["plan", "as", "options"])
                guard let planValue = object["plan"] else {
                    reader.error(itemPath, "an add-on object needs a \"plan\" (\"service[:plan]\")")
                    valid = false
                    continue
                }
                guard let plan = reader.string(planValue, itemPath.key("plan")), checkPlan(plan, itemPath.key("plan"), scope: scope) else {
                    valid = false
                    continue
                }
                var addon = Addon(plan: plan)
                if let name = object["as"] {
                    if let text = reader.string(name, itemPath.key("as")) { addon.attachmentName = text } else { valid = false }
                }
                if let options = object["options"] {
                    if let optionsObject = reader.object(options, itemPath.key("options")) { addon.options = optionsObject } else { valid = false }
                }
                addons.append(addon)
            default:
                reader.typeError(itemPath, expected: "\"service[:plan]\" or an object {plan, as, options}", got: item)
                valid = false
            }
        }
        return valid ? addons : nil
    }

    private func checkPlan(_ plan: String, _ path: JSONPath, scope: DecodingScope) -> Bool {
        let parts = plan.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        if plan.isEmpty || parts[0].isEmpty || (parts.count == 2 && parts[1].isEmpty) || plan.contains(" ") {
            reader.error(path, "\"\(plan.shortened.debugEscaped)\" is not an add-on plan; write \"service\" or \"service:plan\"")
            return false
        }
        if scope != .test, parts.count == 2, parts[1] == "in-dyno" {
            reader.warning(path, "in-dyno plans exist only for CI; outside environments.test this add-on cannot be provisioned")
        }
        return true
    }

    /// `buildpacks`: each `{"url": "..."}`; a bare string is accepted with a warning.
    func buildpacks(_ value: JSONValue, _ path: JSONPath) -> [Buildpack]? {
        guard case .array(let items) = value else {
            reader.typeError(path, expected: "an array of {\"url\": …}", got: value)
            return nil
        }
        var buildpacks: [Buildpack] = []
        var valid = true
        for (index, item) in items.enumerated() {
            let itemPath = path.index(index)
            switch item {
            case .string(let url):
                reader.warning(itemPath, "expected {\"url\": \"\(url.shortened.debugEscaped)\"}; the string is used as the URL")
                buildpacks.append(Buildpack(url: url))
            case .object(let object):
                reader.warnUnknownKeys(object, itemPath, known: ["url"])
                guard let urlValue = object["url"] else {
                    reader.error(itemPath, "a buildpack needs a \"url\"")
                    valid = false
                    continue
                }
                if let url = reader.string(urlValue, itemPath.key("url")), !url.isEmpty {
                    buildpacks.append(Buildpack(url: url))
                } else {
                    if case .string = urlValue { reader.error(itemPath.key("url"), "the URL is empty") }
                    valid = false
                }
            default:
                reader.typeError(itemPath, expected: "an object {\"url\": …}", got: item)
                valid = false
            }
        }
        return valid ? buildpacks : nil
    }
}
