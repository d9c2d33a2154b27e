import CLinux
import Glibc

/// One readiness event: the socket and what it is ready for. An error or hang-up counts as both,
/// so the reader sees the end of input and the writer sees the failed send.
struct Readiness {
    var fd: Int32
    var readable: Bool
    var writable: Bool
}

/// Many sockets' readiness behind one descriptor: epoll (logitd runs on Linux only). The descriptor
/// is itself readable while any registered socket is ready, which is what lets one Dispatch source
/// stand for all of an event loop's connections.
///
/// Level-triggered: a socket that still has bytes after a handler's bounded reads, or still has
/// room after a write, is reported again on the next poll. Not thread-safe: one event loop's queue
/// owns it.
struct Poller: ~Copyable {
    /// The epoll descriptor.
    let descriptor: Int32
    private let capacity = 256
    private let events: UnsafeMutablePointer<epoll_event>

    init() {
        descriptor = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(descriptor >= 0, "creating the poller failed: errno \(errno)")
        events = .allocate(capacity: capacity)
    }

    deinit {
        events.deallocate()
        close(descriptor)
    }

    /// Changes what `fd` is watched for, from `old` to `new` (reading, writing). Both false means
    /// not watched at all, so a hung-up socket nobody reads cannot be reported over and over.
    /// False if the kernel refused (out of memory, say): the caller closes the socket.
    @discardableResult
    func update(_ fd: Int32, from old: (read: Bool, write: Bool), to new: (read: Bool, write: Bool)) -> Bool {
        let wasWatched = old.read || old.write
        let watched = new.read || new.write
        let operation: Int32
        switch (wasWatched, watched) {
        case (false, true): operation = EPOLL_CTL_ADD
        case (true, true): operation = EPOLL_CTL_MOD
        case (true, false): operation = EPOLL_CTL_DEL
        case (false, false): return true
        }
        var event = epoll_event()
        event.events = (new.read ? EPOLLIN.rawValue : 0) | (new.write ? EPOLLOUT.rawValue : 0)
        event.data.fd = fd
        return epoll_ctl(descriptor, operation, fd, &event) == 0
    }

    /// Waits up to `timeout` milliseconds (-1: for ever) until a socket is ready, and returns how
    /// many events there are for `report`.
    func wait(timeout: Int32) -> Int {
        var n: Int32
        repeat {
            n = epoll_wait(descriptor, events, Int32(capacity), timeout)
        } while n < 0 && errno == EINTR
        precondition(n >= 0, "epoll_wait failed: errno \(errno)")
        return Int(n)
    }

    /// Hands the first `count` events of the last `wait` to `body`.
    func report(_ count: Int, _ body: (Readiness) -> Void) {
        let failure = EPOLLERR.rawValue | EPOLLHUP.rawValue
        for i in 0..<count {
            let event = events[i]
            let failed = event.events & failure != 0
            body(
                Readiness(
                    fd: event.data.fd, readable: failed || event.events & EPOLLIN.rawValue != 0,
                    writable: failed || event.events & EPOLLOUT.rawValue != 0))
        }
    }

    /// How many events one `wait` reports at most.
    var batchSize: Int { capacity }
}
