// libFuzzer target: a JUnit XML report through the parser that decides a test file's status.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJUnit(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? JUnitParser.parse(Data(bytes: data, count: size))
    return 0
}
