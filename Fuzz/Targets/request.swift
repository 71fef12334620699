// libFuzzer target: a client's bytes through the router's RequestFramer, cut into reads where the input says
// (FramingFuzzInput), checked by RouterFramingOracle.checkRequests: a violation traps, so libFuzzer keeps the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestFramer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let violations = RouterFramingOracle.checkRequests(FramingFuzzInput(Array(UnsafeBufferPointer(start: data, count: size))))
    if !violations.isEmpty { fatalError(violations.joined(separator: "\n")) }
    return 0
}
