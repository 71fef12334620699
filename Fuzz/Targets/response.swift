// libFuzzer target: a backend's bytes through the router's ResponseFramer, for the request the input's flags
// byte describes (HEAD, upgrade, HTTP/1.0 client, client closing), cut into reads where the input says, checked by
// RouterFramingOracle.checkResponse: a violation traps, so libFuzzer keeps the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResponseFramer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let violations = RouterFramingOracle.checkResponse(FramingFuzzInput(Array(UnsafeBufferPointer(start: data, count: size))))
    if !violations.isEmpty { fatalError(violations.joined(separator: "\n")) }
    return 0
}
