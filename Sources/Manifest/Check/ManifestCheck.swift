/// What `manifest check` resolves against: the config layers (`--var`, `--override`, `--fork`, the context)
/// and whether to show masked values.
public struct ManifestCheckOptions: Sendable, Equatable {
    /// The context and the values the other layers would supply, exactly as the service passes them.
    public var resolution: ConfigResolutionInput
    /// `--reveal`: show generated and pipeline values instead of `••••`.
    public var reveal: Bool

    public var context: ManifestContext { resolution.context }

    public init(
        context: ManifestContext = .app, pipelineVars: [String: String] = [:], overrides: [String: String] = [:],
        injected: [String: String] = [:], storedSecrets: [String: String] = [:], isFork: Bool = false,
        forkReceivesPipelineVars: Bool = false, reveal: Bool = false
    ) {
        resolution = ConfigResolutionInput(
            context: context, pipelineVars: pipelineVars, overrides: overrides, injected: injected,
            storedSecrets: storedSecrets, isFork: isFork, forkReceivesPipelineVars: forkReceivesPipelineVars)
        self.reveal = reveal
    }
}

/// Builds the `manifest check` report from a loaded manifest: validation findings plus process types,
/// formation, scripts and the resolved config for the context.
public enum ManifestCheck {
    /// The value shown for an add-on's config var: the URL exists only once the deploy made the database.
    public static let madeAtDeploy = "(made by the add-on at deploy)"

    public static func report(for load: ManifestLoadResult, options: ManifestCheckOptions) -> ManifestReport {
        var generator = SystemRandomNumberGenerator()
        return report(for: load, options: options, generator: &generator)
    }

    public static func report<G: RandomNumberGenerator>(for load: ManifestLoadResult, options: ManifestCheckOptions, generator: inout G) -> ManifestReport {
        var warnings = load.warnings.map(\.description)
        var errors = load.errors.map(\.description)
        let app = load.appJSONOrDefaults.effective(for: options.context)

        var formation: [String: ManifestReport.FormationValue] = [:]
        var formationOrder: [String] = []
        func add(_ type: String, _ value: ManifestReport.FormationValue) {
            if formation.updateValue(value, forKey: type) == nil { formationOrder.append(type) }
        }
        if options.context == .test {
            // CI runs only the test process type; its quantity is the worker count.
            for entry in app.formation.entries {
                add(entry.processType, .init(quantity: entry.quantity ?? (entry.processType == "test" ? 1 : 0), size: entry.size))
            }
            if formation["test"] == nil { add("test", .init(quantity: 1, size: nil)) }
        } else {
            // `release` is the release phase, run once per release, never a dyno: it has no formation.
            for type in load.procfile?.processTypes ?? [] where type != "release" {
                add(type, .init(quantity: Formation.defaultQuantity(for: type), size: nil))
            }
            for entry in app.formation.entries {
                add(entry.processType, .init(quantity: entry.quantity ?? Formation.defaultQuantity(for: entry.processType), size: entry.size))
            }
        }

        var scripts: [String: String] = [:]
        var scriptOrder: [String] = []
        for script in app.scripts.entries {
            if scripts.updateValue(script.command, forKey: script.name) == nil { scriptOrder.append(script.name) }
        }

        var env: [String: ManifestReport.EnvValue] = [:]
        var descriptions: [String: String] = [:]
        let appJSONUsable = load.appJSON != nil || !load.hasAppJSONFile
        if appJSONUsable {
            // The add-ons' URLs are made at deploy: shown here by name, with provenance `addon`.
            var resolution = options.resolution
            for name in Addon.attachmentConfigVars(of: app.addons) where resolution.addonVars[name] == nil {
                resolution.addonVars[name] = Self.madeAtDeploy
            }
            let resolved = ConfigResolver.resolve(load.appJSON, input: resolution, generator: &generator)
            for variable in resolved.variables {
                let masked = variable.source.isMaskedByDefault && !options.reveal
                env[variable.name] = .init(value: masked ? ManifestReport.mask : variable.value, source: variable.source, required: variable.required)
                if let description = variable.description { descriptions[variable.name] = description }
            }
            if !resolved.withheldPipelineVars.isEmpty {
                warnings.append(ManifestDiagnostic(.warning, .config, .none, "pull request from a fork: pipeline vars withheld (\(resolved.withheldPipelineVars.joined(separator: ", ")))").description)
            }
            if let missing = resolved.missing {
                errors.append(ManifestDiagnostic(.error, .config, .none, missing.description).description)
            }
        }

        // The context's add-ons (environments.review / .test replace `addons` whole): one warning per add-on
        // Slipway does not run, as the deploy log gives it too.
        for addon in app.addons where !addon.isRunBySlipway {
            warnings.append(ManifestDiagnostic(.warning, .appJSON, .none, addon.notRunWarning).description)
        }

        return ManifestReport(
            processTypes: load.procfile?.processTypes ?? [], formation: formation, scripts: scripts, env: env,
            warnings: warnings, errors: errors, context: options.context, formationOrder: formationOrder,
            scriptOrder: scriptOrder, descriptions: descriptions)
    }
}
