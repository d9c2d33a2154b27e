import CLinux
import Dispatch
import Glibc

/// What an `EventLoop` calls when a registered socket is ready. Called on the loop's queue.
protocol EventLoopHandler: AnyObject {
    func ready(readable: Bool, writable: Bool)
    /// Sends what `EventLoop.deferFlush` held back.
    func flushDeferredOutput()
}

/// A serial queue, a `Poller`, and a thread of its own that waits on the poller: when any of the
/// loop's sockets is ready, the thread runs every ready connection in one go, on the loop's queue
/// (`queue.sync`, which runs the work on the calling thread when the queue is free).
///
/// Why its own thread: a Dispatch read source on the poller's descriptor (what the loop had before)
/// costs every wake-up a hop through libdispatch's manager thread: the manager's `epoll_wait`, a
/// futex to wake a pool thread, and an `epoll_ctl` to re-arm the source afterwards. The loop's thread
/// sleeps in `epoll_wait` itself and is woken by the kernel directly. Why not a Dispatch
/// source per socket, as the server first had: that paid the same hop for every socket, about two
/// context switches per small request. Accept, timers and the work handed off to Dispatch's pool
/// still run on Dispatch; they reach the loop through its queue.
///
/// The queue is the lock: the poller, the handler table, and every `Connection` of this loop are
/// touched only on `queue`.
package final class EventLoop: @unchecked Sendable {
    let queue: DispatchQueue
    private let poller = Poller()
    private var handlers: [Int32: any EventLoopHandler] = [:]
    /// Handlers whose output waits for the end of the batch being run.
    private var deferred: [any EventLoopHandler] = []
    /// A batch of ready sockets is being run (on `queue`).
    private(set) var isPolling = false
    /// `runReady` is running: what `appendToBatch` collects is written when it returns.
    private var inBatch = false
    /// Where the loop's connections receive, each copying what it got into its parser before the
    /// next runs: one buffer per loop rather than 64 KiB per connection, so it can be larger (a
    /// 2.5 MB body in 10 reads, not 40) and idle connections hold none.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
    /// Bytes for `batchedDescriptor` that code running in this batch asked to write (see
    /// `BatchOutput`), written when the batch ends.
    private var batchedBytes: [UInt8] = []
    private var batchedDescriptor: Int32 = -1
    /// Batched bytes past this are written at once, mid-batch.
    private static let batchedBytesLimit = 64 * 1024
    /// The process's loops, one per CPU it may use (see `usableCPUs`), created on first use and
    /// kept for the life of the process, with their threads.
    static let shared: [EventLoop] = (0..<usableCPUs()).map { EventLoop(index: $0) }
    private static let nextIndex = Locked(0)

    /// The next loop in turn, for a new connection.
    static func next() -> EventLoop {
        let loops = shared
        return loops[
            nextIndex.withLock { index in
                defer { index = (index + 1) % loops.count }
                return index
            }]
    }

    private init(index: Int) {
        queue = DispatchQueue(label: "logitd.loop.\(index)")
        startThread(name: "logitd.loop.\(index)")
    }

    /// Starts the thread that waits on the poller, with every signal blocked: Dispatch's signal
    /// sources (SIGHUP, SIGTERM) must be the only ones to see them. The threads that create loops
    /// (Dispatch's) block them already; the mask is set here so that no caller can undo that. The
    /// thread runs for the life of the process, as the loop does.
    private func startThread(name: String) {
        var all = sigset_t()
        var previous = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_SETMASK, &all, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let result = pthread_create(
            &thread, &attributes,
            { context in
                Unmanaged<EventLoop>.fromOpaque(context!).takeRetainedValue().waitAndRun()
            }, Unmanaged.passRetained(self).toOpaque())
        precondition(result == 0, "starting \(name)'s thread failed: error \(result)")
        // Named from here, so the name is there when the loop is (the thread runs for ever).
        _ = pthread_setname_np(thread, name)
    }

    /// The loop's thread: sleeps in `epoll_wait` until a socket is ready, then runs the batch on the
    /// queue. The events are read before the queue is entered, so work that ran on the queue
    /// meanwhile may have closed a socket, or given its number to a new connection of this loop;
    /// the handler table is looked up under the queue, and a handler treats a readiness that is no
    /// longer true as it treats any other (a read finds EAGAIN, a write finds nothing queued).
    private func waitAndRun() -> Never {
        while true {
            let count = poller.wait(timeout: -1)
            queue.sync { runReady(count) }
        }
    }

    /// Runs `task` on the loop's queue, after what it is doing now.
    func execute(_ task: @escaping @Sendable () -> Void) {
        queue.async(execute: task)
    }

    /// Changes what `fd` is watched for (on the loop's queue); false if the kernel refused.
    func setInterest(
        _ fd: Int32, handler: any EventLoopHandler, from old: (read: Bool, write: Bool),
        to new: (read: Bool, write: Bool)
    ) -> Bool {
        dispatchPrecondition(condition: .onQueue(queue))
        if new.read || new.write {
            handlers[fd] = handler
        } else {
            handlers[fd] = nil
        }
        return poller.update(fd, from: old, to: new)
    }

    /// Runs the `count` events the loop's thread waited for, then every connection ready since,
    /// each once: polls again while a batch came back full, so that what the kernel holds is
    /// handled before the thread sleeps again.
    private func runReady(_ count: Int) {
        var count = count
        isPolling = true
        inBatch = true
        while true {
            poller.report(count) { event in
                // A handler earlier in this batch may have closed and deregistered this one.
                handlers[event.fd]?.ready(readable: event.readable, writable: event.writable)
            }
            guard count == poller.batchSize else { break }
            count = poller.wait(timeout: 0)
        }
        isPolling = false
        while !deferred.isEmpty {
            let handlers = deferred
            deferred.removeAll(keepingCapacity: true)
            for handler in handlers { handler.flushDeferredOutput() }
        }
        inBatch = false
        writeBatchedBytes()
    }

    /// Appends `bytes` for `fd` to what this loop writes once the batch it is running ends, with
    /// whatever else the batch wrote to `fd`; false, appending nothing, when no batch is running
    /// (the caller then writes the bytes itself). On the loop's queue.
    func appendToBatch(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Bool {
        guard inBatch else { return false }
        if batchedDescriptor != fd {
            writeBatchedBytes()
            batchedDescriptor = fd
        }
        batchedBytes.append(contentsOf: bytes)
        if batchedBytes.count >= Self.batchedBytesLimit { writeBatchedBytes() }
        return true
    }

    /// Writes what the batch collected for `batchedDescriptor` (dropped if the descriptor fails: a
    /// log must not stop the loop).
    private func writeBatchedBytes() {
        guard !batchedBytes.isEmpty else { return }
        batchedBytes.withUnsafeBytes { writeAll(batchedDescriptor, $0) }
        batchedBytes.removeAll(keepingCapacity: batchedBytes.capacity <= Self.batchedBytesLimit * 2)
    }

    /// Holds `handler`'s output until the batch being run ends, then calls `flushDeferredOutput`.
    ///
    /// Why: the answers of a batch then reach the clients together. Sent one by one, between
    /// computations, each answer found its client asleep again and paid for waking it; sent
    /// together, the first wakes the client and the rest find it running.
    func deferFlush(_ handler: any EventLoopHandler) {
        dispatchPrecondition(condition: .onQueue(queue))
        deferred.append(handler)
    }

    /// How many CPUs the process may use: its affinity mask (taskset, cpusets) on Linux, capped by
    /// a cgroup v2 CPU quota (a container's `--cpus`, a pod's CPU limit), rounded up. One loop per CPU keeps every CPU busy without loops taking turns on one.
    package static func usableCPUs() -> Int {
        let online = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        var cpus = Int(clinux_affinity_cpu_count())
        if cpus <= 0 { cpus = online }
        if let quota = cgroupCPUQuota() { cpus = min(cpus, quota) }
        return max(1, cpus)
    }

    private static func cgroupCPUQuota() -> Int? {
        guard let file = fopen("/sys/fs/cgroup/cpu.max", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 64)
        guard fgets(&line, Int32(line.count), file) != nil else { return nil }
        return cpuQuota(
            cpuMax: String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// The CPUs a cgroup v2 `cpu.max` line allows, rounded up: "150000 100000" is 1.5 CPUs, so 2;
    /// nil for "max 100000" (no limit) or anything unreadable.
    package static func cpuQuota(cpuMax line: String) -> Int? {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count == 2, let quota = Int(fields[0]), let period = Int(fields[1]), quota > 0, period > 0
        else { return nil }
        return (quota + period - 1) / period
    }
}
