import Foundation
import Sandbox
import Synchronization

/// How a run's processes (`test-setup`, test batches) are started: through the one launcher, sandboxed or not.
public struct TestSandbox: Sendable {
    public var launcher: SandboxLauncher
    /// Host paths test processes must never see (the data dir).
    public var hidden: [String]
    /// True when the tree under test is the run's own (serve's exported commit), which is given to the run's uid
    /// so its overlay layers are writable; false for a person's directory (`ci run --sandbox`), which is copied
    /// into each workspace instead.
    public var ownsSource: Bool

    public init(launcher: SandboxLauncher, hidden: [String] = [], ownsSource: Bool = false) {
        self.launcher = launcher
        self.hidden = hidden
        self.ownsSource = ownsSource
    }

    /// Plain `ci run`: the service's own user at the real paths.
    public static let unsandboxed = TestSandbox(launcher: .unsandboxed)
}

/// The limit cells (cgroups) of a run's workers, removed when the run ends.
final class LimitCells: Sendable {
    private let cells = Mutex<[LimitCell]>([])

    func add(_ cell: LimitCell) { cells.withLock { $0.append(cell) } }

    func removeAll() async {
        let all = cells.withLock { cells in
            defer { cells = [] }
            return cells
        }
        for cell in all { await cell.remove() }
    }
}
