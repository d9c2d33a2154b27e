import Foundation
import Testing

@testable import HTTPServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How many event loops the server starts (one per CPU the process may use), and their threads.
struct EventLoopTests {
    @Test(
        arguments: [
            ("max 100000\n", nil), ("100000 100000\n", 1), ("150000 100000\n", 2), ("50000 100000", 1),
            ("400000 100000\n", 4), ("0 100000", nil), ("100000", nil), ("", nil), ("abc def", nil),
        ] as [(String, Int?)])
    func cgroupQuotaRoundsUp(_ line: String, _ cpus: Int?) {
        #expect(EventLoop.cpuQuota(cpuMax: line) == cpus)
    }

    @Test func usableCPUsIsWithinTheOnlineCores() {
        let online = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #expect((1...max(1, online)).contains(EventLoop.usableCPUs()))
    }

    /// Each loop waits on a thread of its own, which `top -H`, `perf` and a debugger show by name.
    @Test func eachLoopHasANamedThread() throws {
        _ = EventLoop.next()
        var names: [String] = []
        for task in try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") {
            let comm = try String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
            names.append(comm.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        for index in 0..<EventLoop.shared.count {
            #expect(names.contains("logitd.loop.\(index)"), "threads: \(names.sorted())")
        }
    }
}
