#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
#if os(Linux)
    import CLinux
#endif

/// One readiness event: the socket and what it is ready for. An error or hang-up counts as both,
/// so the reader sees the end of input and the writer sees the failed send.
struct Readiness {
    var fd: Int32
    var readable: Bool
    var writable: Bool
}

/// Many sockets' readiness behind one descriptor: epoll on Linux, kqueue on Darwin. The descriptor
/// is itself readable while any registered socket is ready, which is what lets one Dispatch source
/// stand for all of an event loop's connections.
///
/// Level-triggered: a socket that still has bytes after a handler's bounded reads, or still has
/// room after a write, is reported again on the next poll. Not thread-safe: one event loop's queue
/// owns it.
struct Poller: ~Copyable {
    /// The epoll or kqueue descriptor.
    let descriptor: Int32
    private let capacity = 256
    #if os(Linux)
        private let events: UnsafeMutablePointer<epoll_event>
    #else
        private let events: UnsafeMutablePointer<kevent>
    #endif

    init() {
        #if os(Linux)
            descriptor = epoll_create1(Int32(EPOLL_CLOEXEC))
        #else
            descriptor = kqueue()
        #endif
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
        #if os(Linux)
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
        #else
            var changes: [kevent] = []
            if old.read != new.read {
                changes.append(Self.change(fd, filter: Int16(EVFILT_READ), add: new.read))
            }
            if old.write != new.write {
                changes.append(Self.change(fd, filter: Int16(EVFILT_WRITE), add: new.write))
            }
            if changes.isEmpty { return true }
            return kevent(descriptor, changes, Int32(changes.count), nil, 0, nil) == 0
        #endif
    }

    #if !os(Linux)
        private static func change(_ fd: Int32, filter: Int16, add: Bool) -> kevent {
            kevent(
                ident: UInt(fd), filter: filter, flags: UInt16(add ? EV_ADD | EV_ENABLE : EV_DELETE), fflags: 0,
                data: 0, udata: nil)
        }
    #endif

    /// Reports every socket ready now, without waiting; returns how many events there were.
    @discardableResult
    func poll(_ body: (Readiness) -> Void) -> Int {
        #if os(Linux)
            var n: Int32
            repeat {
                n = epoll_wait(descriptor, events, Int32(capacity), 0)
            } while n < 0 && errno == EINTR
            precondition(n >= 0, "epoll_wait failed: errno \(errno)")
            let failure = EPOLLERR.rawValue | EPOLLHUP.rawValue
            for i in 0..<Int(n) {
                let event = events[i]
                let failed = event.events & failure != 0
                body(
                    Readiness(
                        fd: event.data.fd, readable: failed || event.events & EPOLLIN.rawValue != 0,
                        writable: failed || event.events & EPOLLOUT.rawValue != 0))
            }
            return Int(n)
        #else
            var zero = timespec(tv_sec: 0, tv_nsec: 0)
            var n: Int32
            repeat {
                n = kevent(descriptor, nil, 0, events, Int32(capacity), &zero)
            } while n < 0 && errno == EINTR
            precondition(n >= 0, "kevent failed: errno \(errno)")
            for i in 0..<Int(n) {
                let event = events[i]
                let failed = event.flags & UInt16(EV_ERROR) != 0
                body(
                    Readiness(
                        fd: Int32(event.ident), readable: failed || event.filter == Int16(EVFILT_READ),
                        writable: failed || event.filter == Int16(EVFILT_WRITE)))
            }
            return Int(n)
        #endif
    }

    /// How many events one `poll` reports at most.
    var batchSize: Int { capacity }
}
