import Foundation

/// Runs blocking work (copying a tree) on its own thread, so it does not occupy one of the few threads of
/// Swift's cooperative pool that every worker's task shares.
enum Offload {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws(TestRunError) -> T) async throws(TestRunError) -> T {
        let result: Result<T, TestRunError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                do throws(TestRunError) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.start()
        }
        return try result.get()
    }
}
