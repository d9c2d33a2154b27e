import CLinux
import Dispatch
import Glibc

/// What an `EventLoop` calls when a registered socket is ready. Called on the loop's queue.
protocol EventLoopHandler: AnyObject {
    func ready(readable: Bool, writable: Bool)
    /// Sends what `EventLoop.deferFlush` held back.
    func flushDeferredOutput()
}

/// A serial queue and a `Poller`: one Dispatch read source watches the poller's descriptor, and its
/// handler runs every ready connection of the loop in one go, on the loop's queue.
///
/// Why not a Dispatch source per socket, as the server first had: on Linux, libdispatch's manager
/// thread waits in epoll, hands each source's event to a pool thread, and that thread re-arms the
/// source through the manager again, so every small request paid about two context switches
/// (the scheduler was the largest single cost). Here one such hop
/// carries every connection that became ready meanwhile, and a loaded server gets many per hop.
/// Accept, reads, writes and timers are still all driven by Dispatch sources, and Dispatch's pool
/// still runs the loops and the handlers too large to run on them.
///
/// The queue is the lock: the poller, the handler table, and every `Connection` of this loop are
/// touched only on `queue`.
package final class EventLoop: @unchecked Sendable {
    let queue: DispatchQueue
    private let poller = Poller()
    private let source: any DispatchSourceRead
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
    /// kept for the life of the process, as Dispatch's own threads are.
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
        // No target: a serial queue's default is Dispatch's overcommit pool, which gives a busy
        // queue a thread even when the default pool's threads are all running handlers. A loop
        // must not wait behind the large requests it handed off (Benchmarks/README.md has the figures).
        queue = DispatchQueue(label: "logitd.loop.\(index)")
        source = DispatchSource.makeReadSource(fileDescriptor: poller.descriptor, queue: queue)
        source.setEventHandler { [unowned self] in runReady() }
        source.resume()
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

    /// Every connection ready now, each once. Polls again while a batch came back full, so that
    /// what the kernel holds is handled before Dispatch is asked to wake the loop again.
    private func runReady() {
        var count = 0
        isPolling = true
        inBatch = true
        repeat {
            count = poller.poll { event in
                // A handler earlier in this batch may have closed and deregistered this one.
                handlers[event.fd]?.ready(readable: event.readable, writable: event.writable)
            }
        } while count == poller.batchSize
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
