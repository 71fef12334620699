// libFuzzer target: Procfile bytes through the Procfile parser and the manifest's cross-checks with app.json.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProcfile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = ProcfileParser.parse(bytes)
    _ = ManifestLoader.parse(appJSON: Array(#"{"formation": {"web": {"quantity": 1}}, "scripts": {"postdeploy": "x"}}"#.utf8), procfile: bytes)
    return 0
}
