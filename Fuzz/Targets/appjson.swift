// libFuzzer target: app.json bytes through Slipway's own JSON parser, the decoder and every check `manifest check`
// runs (config resolution for each context included). Built by ci/fuzz with the Manifest sources.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAppJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let load = ManifestLoader.parse(appJSON: bytes, procfile: Array("web: serve\nrelease: migrate\n".utf8))
    for context in [ManifestContext.app, .review, .test] {
        var generator = SystemRandomNumberGenerator()
        _ = ManifestCheck.report(for: load, options: ManifestCheckOptions(context: context), generator: &generator)
    }
    return 0
}
