import Dispatch
import Glibc
import Logging

/// The listening socket: binds, and accepts on its own queue until the kernel says EAGAIN, handing
/// each new descriptor to `onAccept`. Accepting never waits for a connection's work.
final class Listener: @unchecked Sendable {
    private let fd: Int32
    private let queue = DispatchQueue(label: "logitd.listener")
    private let source: any DispatchSourceRead
    private let logger: Logger
    /// Signalled once the socket is closed.
    private let stopped = DispatchSemaphore(value: 0)
    private let activated = Locked(false)
    /// The bound address, real port included.
    let host: String
    let port: Int

    /// Resolves `host` (numeric or a name such as `localhost`), and binds and listens on the first
    /// address that works, with `SO_REUSEADDR` so a restarted server need not wait out TIME_WAIT.
    init(host: String, port: Int, logger: Logger) throws(ServerError) {
        self.logger = logger
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .resolve(host: host, message: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }

        var lastError = ServerError.resolve(host: host, message: "no address")
        // A name such as `localhost` may resolve to ::1 and 127.0.0.1; IPv4 goes first, because
        // most clients told "localhost" or "127.0.0.1" reach it, while ::1 misses the latter.
        var candidates: [UnsafeMutablePointer<addrinfo>] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next {
            candidates.append(info)
            next = info.pointee.ai_next
        }
        candidates.sort { $0.pointee.ai_family == AF_INET && $1.pointee.ai_family != AF_INET }
        var bound: Int32 = -1
        for info in candidates {
            let s = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if s < 0 {
                lastError = .socket(call: "socket", host: host, port: port, errno: errno)
                continue
            }
            var one: Int32 = 1
            setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if bind(s, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
                lastError = .socket(call: "bind", host: host, port: port, errno: errno)
                close(s)
                continue
            }
            if listen(s, SOMAXCONN > 1024 ? SOMAXCONN : 1024) != 0 {
                lastError = .socket(call: "listen", host: host, port: port, errno: errno)
                close(s)
                continue
            }
            bound = s
            break
        }
        guard bound >= 0 else { throw lastError }
        _ = fcntl(bound, F_SETFL, fcntl(bound, F_GETFL) | O_NONBLOCK)
        _ = fcntl(bound, F_SETFD, FD_CLOEXEC)

        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(bound, $0, &length) }
        }
        guard named == 0 else {
            let error = errno
            close(bound)
            throw .socket(call: "getsockname", host: host, port: port, errno: error)
        }
        self.fd = bound
        self.host = host
        self.port = Listener.port(of: storage)
        self.source = DispatchSource.makeReadSource(fileDescriptor: bound, queue: queue)
    }

    private static func port(of storage: sockaddr_storage) -> Int {
        let family = Int32(storage.ss_family)
        return withUnsafePointer(to: storage) { pointer in
            if family == AF_INET6 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin_port))
                }
            }
        }
    }

    /// Starts accepting; `onAccept` runs on the listener's queue with each new non-blocking descriptor.
    func start(onAccept: @escaping @Sendable (Int32) -> Void) {
        let fd = self.fd
        let logger = self.logger
        source.setEventHandler { [self] in
            while true {
                let client = accept(fd, nil, nil)
                if client >= 0 {
                    // (Glibc's module does not export accept4; two fcntl calls do the same.)
                    _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
                    _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                    onAccept(client)
                    continue
                }
                switch errno {
                case EINTR, ECONNABORTED:
                    continue
                case EAGAIN, EWOULDBLOCK:
                    return
                default:
                    // EMFILE/ENFILE: out of descriptors. The pending connection stays in the
                    // backlog and the socket stays readable, so pause accepting for a moment
                    // instead of spinning, and let closing connections free descriptors.
                    logger.error("accept failed", metadata: ["errno": "\(errno)"])
                    pauseAccepting()
                    return
                }
            }
        }
        activate()
    }

    /// Resumes the source once (with the cancel handler that closes the socket).
    private func activate() {
        let first = activated.withLock { activated in
            defer { activated = true }
            return !activated
        }
        guard first else { return }
        let fd = self.fd
        let stopped = self.stopped
        source.setCancelHandler {
            close(fd)
            stopped.signal()
        }
        source.resume()
    }

    /// Stops watching the socket for 100 ms (on the listener's queue).
    private func pauseAccepting() {
        source.suspend()
        queue.asyncAfter(deadline: .now() + .milliseconds(100)) { [self] in source.resume() }
    }

    /// Stops accepting and closes the socket, so new connects are refused.
    func stop() {
        activate()  // a source that never ran must still be resumed, or it can be neither cancelled nor freed
        source.cancel()
        // Wait for the cancel handler's close, so that once `stop` returns a connect is refused
        // (it runs on the listener's queue, which never waits for anything, so this is brief).
        stopped.wait()
    }
}
