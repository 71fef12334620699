// libFuzzer target: a chunked body through the router's ChunkedBodyScanner (raw when the flags byte is odd), cut
// into reads where the input says, against the reference decoder (RouterFramingOracle.checkChunked).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChunkedBodyScanner(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let violations = RouterFramingOracle.checkChunked(FramingFuzzInput(Array(UnsafeBufferPointer(start: data, count: size))))
    if !violations.isEmpty { fatalError(violations.joined(separator: "\n")) }
    return 0
}
