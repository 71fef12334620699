/// The environment repository code receives: what its caller grants (SPEC §3: `PORT`, `DYNO`, config vars,
/// the CI variables) plus a sane `PATH`, `LANG`, `HOME` and `TMPDIR`, and never Slipway's own secrets.
public enum SandboxEnvironment {
    /// The `SLIPWAY_*` names SPEC §3 gives to processes; every other one (`SLIPWAY_TOKEN` above all) is dropped.
    public static let grantedSlipwayNames: Set<String> = [
        "SLIPWAY_APP", "SLIPWAY_RELEASE", "SLIPWAY_TEST_FILES", "SLIPWAY_REPORTS_DIR", "SLIPWAY_TEST_ATTEMPT",
    ]

    public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// The base every sandboxed process starts from, instead of the service's environment.
    public static let base: [String: String] = ["PATH": defaultPath, "LANG": "C.UTF-8"]

    /// `environment` without Slipway's own variables, on top of `base`.
    public static func granted(_ environment: [String: String]) -> [String: String] {
        var result = base
        for (key, value) in environment where !key.hasPrefix("SLIPWAY_") || grantedSlipwayNames.contains(key) {
            result[key] = value
        }
        return result
    }
}
