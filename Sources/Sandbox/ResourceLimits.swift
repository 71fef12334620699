/// Memory, process-count and CPU limits of one dyno or test worker.
public struct ResourceLimits: Sendable, Equatable {
    public var memoryBytes: UInt64
    public var maxProcesses: Int
    /// CPU time per wall-clock time, in cores (1.0: one core's worth).
    public var cpuCores: Double

    public init(memoryBytes: UInt64, maxProcesses: Int, cpuCores: Double) {
        self.memoryBytes = memoryBytes
        self.maxProcesses = maxProcesses
        self.cpuCores = cpuCores
    }

    /// Heroku's dyno sizes (SPEC §7): `standard-1x` 512 MB (the default, also for unknown names), `standard-2x`
    /// 1 GB, `performance-m` 2.5 GB, `performance-l` 14 GB; process counts as Heroku documents them.
    public static func dynoSize(_ name: String?) -> ResourceLimits {
        let megabyte: UInt64 = 1024 * 1024
        switch name?.lowercased() {
        case "standard-2x", "2x": return ResourceLimits(memoryBytes: 1024 * megabyte, maxProcesses: 512, cpuCores: 1)
        case "performance-m", "performance": return ResourceLimits(memoryBytes: 2560 * megabyte, maxProcesses: 16384, cpuCores: 2)
        case "performance-l": return ResourceLimits(memoryBytes: 14336 * megabyte, maxProcesses: 32768, cpuCores: 2)
        default: return ResourceLimits(memoryBytes: 512 * megabyte, maxProcesses: 256, cpuCores: 1)
        }
    }

    /// The size names above, aliases included.
    public static let knownSizes = ["standard-1x", "1x", "standard-2x", "2x", "performance-m", "performance", "performance-l"]

    /// Whether `name` is one of the sizes above (others fall back to `standard-1x`).
    public static func isKnownSize(_ name: String) -> Bool {
        knownSizes.contains(name.lowercased())
    }

    /// A test worker's limits: Heroku CI runs tests on `performance-m` dynos unless app.json names a size.
    public static func testWorker(size: String?) -> ResourceLimits { dynoSize(size ?? "performance-m") }
}
