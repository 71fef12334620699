// libFuzzer target: a GitHub webhook body decoded as each event Slipway acts on (the first byte picks which).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebhook(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let events = ["pull_request", "push", "ping", "issues"]
    let event = events[Int(data[0]) % events.count]
    _ = try? GitHubEvent.decode(event: event, body: Data(bytes: data + 1, count: size - 1))
    return 0
}
