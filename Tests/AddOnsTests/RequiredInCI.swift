import Foundation

/// The condition of a test that needs a tool (the built `slipway`, python3, git): true when the tool is there,
/// and always true under `ci/test` (which sets `SLIPWAY_REQUIRE_TOOLS=1`) or in CI (`CI=true`), so that there a
/// missing tool fails the run instead of skipping its tests. Outside, a developer without the tool gets a skip.
func requiredInCI(_ available: Bool) -> Bool {
    let environment = ProcessInfo.processInfo.environment
    return available || environment["SLIPWAY_REQUIRE_TOOLS"] == "1" || environment["CI"] == "true"
}
