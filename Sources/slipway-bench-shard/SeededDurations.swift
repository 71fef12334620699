import Foundation

/// SplitMix64: a small, fast, seedable generator, so every bench run draws the same suite.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Long-tailed test-file durations: log-normal (σ = 1, as measured suites tend to be: most files fast,
/// a few twenty times the median), scaled so that `total / workers` is `targetSeconds`.
enum SeededDurations {
    static func make(count: Int, workers: Int, targetSeconds: Double, seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        var raw: [Double] = []
        for _ in 0..<count {
            // Box–Muller: two uniforms in (0, 1] to one standard normal.
            let u1 = Double(generator.next() >> 11 | 1) / Double(1 << 53)
            let u2 = Double(generator.next() >> 11) / Double(1 << 53)
            let normal = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            raw.append(exp(normal))
        }
        let scale = targetSeconds * Double(workers) / raw.reduce(0, +)
        // Millisecond resolution: `sleep` takes decimals, and shell output stays readable.
        return raw.map { ($0 * scale * 1000).rounded() / 1000 }
    }
}
