import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The few epoll and eventfd calls the loop needs. Swift's Glibc module does not include
/// `<sys/epoll.h>` or `<sys/eventfd.h>`, and a C target of our own would mean a change to
/// Package.swift, so they are declared here by their C symbol names. Every argument is an integer
/// or a pointer, which the Swift calling convention passes in the same registers as C does on
/// x86-64 and arm64. `struct epoll_event` is packed on x86-64 (12 bytes: a 32-bit mask, then a
/// 64-bit datum at offset 4), so events are read and written at byte offsets, never as a Swift struct.
enum Epoll {
    @_silgen_name("epoll_create1") static func create(_ flags: Int32) -> Int32
    @_silgen_name("epoll_ctl") static func ctl(
        _ epfd: Int32, _ op: Int32, _ fd: Int32, _ event: UnsafeMutableRawPointer?
    ) -> Int32
    @_silgen_name("epoll_wait") static func wait(
        _ epfd: Int32, _ events: UnsafeMutableRawPointer, _ maxEvents: Int32, _ timeout: Int32
    ) -> Int32
    @_silgen_name("eventfd") static func eventfd(_ initial: UInt32, _ flags: Int32) -> Int32

    static let cloexec: Int32 = 0o2_000_000
    static let nonblock: Int32 = 0o4_000
    static let add: Int32 = 1
    static let delete: Int32 = 2
    static let modify: Int32 = 3
    static let readable: UInt32 = 0x001
    static let writable: UInt32 = 0x004
    static let error: UInt32 = 0x008
    static let hangUp: UInt32 = 0x010

    #if arch(x86_64)
        static let eventSize = 12
    #else
        static let eventSize = 16
    #endif
    static let dataOffset = eventSize - 8

    /// `epoll_ctl` with an event for `fd` (its number is the datum) and `mask`.
    static func control(_ epfd: Int32, _ op: Int32, _ fd: Int32, mask: UInt32) {
        withUnsafeTemporaryAllocation(byteCount: 16, alignment: 8) { event in
            event.storeBytes(of: mask, toByteOffset: 0, as: UInt32.self)
            event.storeBytes(of: UInt64(UInt32(bitPattern: fd)), toByteOffset: dataOffset, as: UInt64.self)
            _ = ctl(epfd, op, fd, event.baseAddress)
        }
    }
}

/// What an `EventLoop` calls when a registered descriptor is ready. Called on the loop's thread.
protocol EventLoopHandler: AnyObject {
    func ready(readable: Bool, writable: Bool)
}

/// One thread running `epoll_wait`, calling each ready socket's handler on that same thread, plus
/// tasks handed in from other threads (`execute`).
///
/// Why not Dispatch sources: on Linux, libdispatch's manager thread waits in epoll and hands every
/// event to a worker thread, and the worker re-arms the source by waking the manager through an
/// eventfd, so a small request cost two to three context switches (perf: 1.9 per request, and
/// `finish_task_switch` the largest single cost in the small case). Here the thread that learns a
/// socket is readable reads, parses, answers and writes it, as NIO's event loops do.
///
/// The loop thread is the lock: a connection's state is touched only on its loop's thread.
final class EventLoop: @unchecked Sendable {
    private let epoll: Int32
    private let wakeup: Int32
    private var handlers: [Int32: any EventLoopHandler] = [:]
    private let tasks = Locked<[@Sendable () -> Void]>([])
    private let wakeupPending = Atomic<Bool>(false)
    private var thread = pthread_t()

    /// The process's loops, one per online core (what Dispatch's pool was sized to), started on
    /// first use and never stopped, like Dispatch's own threads.
    static let shared: [EventLoop] = {
        let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        return (0..<cores).map { _ in EventLoop() }
    }()
    private static let nextLoop = Atomic<Int>(0)

    /// The next loop in turn, for a new connection.
    static func next() -> EventLoop {
        let loops = shared
        let i = nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue
        return loops[Int(UInt(bitPattern: i) % UInt(loops.count))]
    }

    private init() {
        epoll = Epoll.create(Epoll.cloexec)
        wakeup = Epoll.eventfd(0, Epoll.nonblock | Epoll.cloexec)
        precondition(epoll >= 0 && wakeup >= 0, "epoll_create1/eventfd failed: errno \(errno)")
        Epoll.control(epoll, Epoll.add, wakeup, mask: Epoll.readable)
        let box = Unmanaged.passRetained(self)
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        let created = pthread_create(
            &thread, &attributes,
            { raw in
                let loop = Unmanaged<EventLoop>.fromOpaque(raw!).takeRetainedValue()
                loop.run()
                return nil
            }, box.toOpaque())
        pthread_attr_destroy(&attributes)
        precondition(created == 0, "pthread_create failed: \(created)")
    }

    var inLoop: Bool { pthread_equal(pthread_self(), thread) != 0 }

    /// Runs `task` on the loop's thread, after the events it is handling now.
    func execute(_ task: @escaping @Sendable () -> Void) {
        tasks.withLock { $0.append(task) }
        if !wakeupPending.exchange(true, ordering: .acquiringAndReleasing) {
            var one: UInt64 = 1
            _ = write(wakeup, &one, 8)
        }
    }

    /// Watches `fd` for the given interest (loop thread only). No interest removes it from epoll,
    /// so a hung-up socket nobody reads cannot report `EPOLLHUP` over and over.
    func setInterest(_ fd: Int32, handler: any EventLoopHandler, read: Bool, write: Bool, registered: Bool) {
        let mask = (read ? Epoll.readable : 0) | (write ? Epoll.writable : 0)
        switch (registered, read || write) {
        case (false, true):
            handlers[fd] = handler
            Epoll.control(epoll, Epoll.add, fd, mask: mask)
        case (true, true):
            Epoll.control(epoll, Epoll.modify, fd, mask: mask)
        case (true, false):
            Epoll.control(epoll, Epoll.delete, fd, mask: 0)
            handlers[fd] = nil
        case (false, false):
            break
        }
    }

    private func run() {
        let capacity = 256
        let events = UnsafeMutableRawPointer.allocate(byteCount: capacity * Epoll.eventSize, alignment: 8)
        while true {
            let n = Epoll.wait(epoll, events, Int32(capacity), -1)
            if n < 0 {
                if errno == EINTR { continue }
                preconditionFailure("epoll_wait failed: errno \(errno)")
            }
            var woken = false
            for i in 0..<Int(n) {
                let event = events + i * Epoll.eventSize
                let flags = event.loadUnaligned(as: UInt32.self)
                let fd = Int32(
                    truncatingIfNeeded: event.loadUnaligned(fromByteOffset: Epoll.dataOffset, as: UInt64.self))
                if fd == wakeup {
                    woken = true
                    continue
                }
                // A handler earlier in this batch may have closed and deregistered this one.
                guard let handler = handlers[fd] else { continue }
                let failed = flags & (Epoll.error | Epoll.hangUp) != 0
                handler.ready(
                    readable: flags & Epoll.readable != 0 || failed, writable: flags & Epoll.writable != 0 || failed)
            }
            if woken {
                var count: UInt64 = 0
                _ = read(wakeup, &count, 8)
                wakeupPending.store(false, ordering: .releasing)
            }
            runTasks()
        }
    }

    private func runTasks() {
        while true {
            let batch = tasks.withLock { tasks -> [@Sendable () -> Void] in
                let batch = tasks
                tasks.removeAll(keepingCapacity: true)
                return batch
            }
            if batch.isEmpty { return }
            for task in batch { task() }
        }
    }
}
