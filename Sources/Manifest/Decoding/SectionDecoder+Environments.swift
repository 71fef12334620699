extension SectionDecoder {
    /// `environments`: `test` and `review`, each replacing whole base keys.
    func environments(_ value: JSONValue, _ path: JSONPath) -> (test: EnvironmentOverride?, review: EnvironmentOverride?) {
        guard let object = reader.object(value, path, expected: "an object {test, review}") else { return (nil, nil) }
        reader.warnUnknownKeys(object, path, known: ["test", "review"], ignoredBecause: "only test and review environments exist")
        let test = object["test"].flatMap { override($0, path.key("test"), scope: .test) }
        let review = object["review"].flatMap { override($0, path.key("review"), scope: .review) }
        return (test, review)
    }

    private func override(_ value: JSONValue, _ path: JSONPath, scope: DecodingScope) -> EnvironmentOverride? {
        guard let object = reader.object(value, path) else { return nil }
        reader.warnUnknownKeys(
            object, path, known: EnvironmentOverride.replaceableKeys,
            ignoredBecause: "an environment can only replace \(EnvironmentOverride.replaceableKeys.joined(separator: ", "))")
        var result = EnvironmentOverride()
        if let env = object["env"] { result.env = self.env(env, path.key("env")) }
        if let scripts = object["scripts"] { result.scripts = self.scripts(scripts, path.key("scripts"), scope: scope) }
        if let formation = object["formation"] { result.formation = self.formation(formation, path.key("formation"), scope: scope) }
        if let addons = object["addons"] { result.addons = self.addons(addons, path.key("addons"), scope: scope) }
        if let buildpacks = object["buildpacks"] { result.buildpacks = self.buildpacks(buildpacks, path.key("buildpacks")) }
        return result
    }
}
