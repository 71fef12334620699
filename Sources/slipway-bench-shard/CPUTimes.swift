import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU seconds used so far by this process (Slipway runs in it) and by its reaped descendants (the test
/// processes). The difference over a row says whether a split is slower because its tests cost more CPU (the
/// files ran differently) or because Slipway itself took CPU the tests needed (on 2 busy cores it is the same).
struct CPUTimes {
    var own: Double
    var children: Double

    static func now() -> CPUTimes {
        CPUTimes(own: seconds(RUSAGE_SELF.rawValue), children: seconds(RUSAGE_CHILDREN.rawValue))
    }

    static func - (after: CPUTimes, before: CPUTimes) -> CPUTimes {
        CPUTimes(own: after.own - before.own, children: after.children - before.children)
    }

    private static func seconds(_ who: Int32) -> Double {
        var usage = rusage()
        getrusage(who, &usage)
        func value(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return value(usage.ru_utime) + value(usage.ru_stime)
    }
}
