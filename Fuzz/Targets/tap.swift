// libFuzzer target: TAP output through the TAP detector and parser.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTAP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = TAPParser.looksLikeTAP(text)
    _ = TAPParser.parse(text)
    return 0
}
