import Manifest
import Testing

/// app.json `slipway.sandbox.network` (SPEC §7).
@Suite struct SandboxNetworkTests {
    @Test func sharedIsTheDefaultAndNoneIsAccepted() {
        #expect(decode(#"{}"#).appJSON?.slipway.sandboxNetwork == nil)
        #expect(decode(#"{"slipway": {"sandbox": {}}}"#).appJSON?.slipway.sandboxNetwork == "shared")
        #expect(decode(#"{"slipway": {"sandbox": {"network": "shared"}}}"#).appJSON?.slipway.sandboxNetwork == "shared")
        #expect(decode(#"{"slipway": {"sandbox": {"network": "none"}}}"#).appJSON?.slipway.sandboxNetwork == "none")
    }

    @Test func anyOtherValueIsAnErrorNamingTheKey() {
        let result = decode(#"{"slipway": {"sandbox": {"network": "host"}}}"#)
        #expect(result.appJSON == nil)
        #expect(result.diagnostics.errors == [
            #"app.json: slipway.sandbox.network: expected one of "shared", "none", got "host""#
        ])
        let notAString = decode(#"{"slipway": {"sandbox": {"network": false}}}"#)
        #expect(notAString.appJSON == nil)
        #expect(notAString.diagnostics.errors.first?.hasPrefix("app.json: slipway.sandbox.network") == true)
        #expect(decode(#"{"slipway": {"sandbox": "none"}}"#).diagnostics.errors.first?.hasPrefix("app.json: slipway.sandbox") == true)
    }
}
