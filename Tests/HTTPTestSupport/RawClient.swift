#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A plain TCP client for the bytes curl will not send: malformed requests, trickles, pipelines.
/// Blocking socket; every read waits with `poll`, bounded by a timeout. It is `Sendable` as a
/// descriptor is: one thread at a time should use it.
package final class RawClient: Sendable {
    package struct ConnectError: Error { package var errno: Int32 }

    package let fd: Int32

    /// Connects to 127.0.0.1:`port` (or `::1` when `ipv6`).
    package init(port: Int, ipv6: Bool = false) throws(ConnectError) {
        let s = socket(ipv6 ? AF_INET6 : AF_INET, RawClient.streamType, 0)
        guard s >= 0 else { throw ConnectError(errno: errno) }
        var result: Int32
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            address.sin6_addr = in6addr_loopback
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(s, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard result == 0 else {
            let error = errno
            close(s)
            throw ConnectError(errno: error)
        }
        fd = s
    }

    deinit { close(fd) }

    private static let dontWait = Int32(MSG_DONTWAIT)

    #if canImport(Glibc)
        private static let streamType = Int32(SOCK_STREAM.rawValue)
        private static let noSignal = Int32(MSG_NOSIGNAL)
    #else
        private static let streamType = SOCK_STREAM
        private static let noSignal: Int32 = 0
    #endif

    /// Sends all of `bytes`; false when the peer has gone (reset or closed).
    @discardableResult
    package func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                RawClient.systemSend(fd, $0.baseAddress! + offset, $0.count - offset, RawClient.noSignal)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    @discardableResult
    package func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Sends as much of `bytes` as the socket takes, waiting at most `patience` for room each
    /// time it is full; returns how many bytes went. A server that stops reading shows up as a
    /// count below `bytes.count`.
    package func sendUntilBlocked(_ bytes: [UInt8], patience: Duration) -> Int {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                RawClient.systemSend(
                    fd, $0.baseAddress! + offset, $0.count - offset, RawClient.noSignal | RawClient.dontWait)
            }
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno != EAGAIN && errno != EWOULDBLOCK { break }
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let millis = Int32(
                patience.components.seconds * 1000 + patience.components.attoseconds / 1_000_000_000_000_000)
            if poll(&pfd, 1, millis) <= 0 { break }
        }
        return offset
    }

    /// What `receive` saw.
    package struct Received {
        package var bytes: [UInt8]
        /// The server closed the connection (EOF or reset).
        package var closed: Bool
        package var text: String { String(decoding: bytes, as: UTF8.self) }
        /// The responses in `bytes`, split by their framing.
        package var responses: [RawResponse] { RawResponse.parse(bytes) }
    }

    /// Reads until the server closes, `until` holds for what was read, or `timeout` passes.
    package func receive(
        timeout: Duration = .seconds(10), until done: ([UInt8]) -> Bool = { _ in false }
    ) -> Received {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !done(bytes) {
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else { return Received(bytes: bytes, closed: false) }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let millis = Int32(
                min(
                    remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1,
                    60_000))
            let ready = poll(&pfd, 1, millis)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                bytes.append(contentsOf: buffer[..<n])
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return Received(bytes: bytes, closed: true)
            }
        }
        return Received(bytes: bytes, closed: false)
    }

    /// Reads until `count` complete responses have arrived (or the close, or the timeout).
    package func receiveResponses(_ count: Int, timeout: Duration = .seconds(10)) -> Received {
        receive(timeout: timeout) { RawResponse.parse($0, withBodies: false).count >= count }
    }

    /// Reads the interim `100 Continue` a request with `Expect: 100-continue` gets once the server
    /// has parsed its head: the event tests wait for before they act on a request in progress.
    package func receiveContinue(timeout: Duration = .seconds(10)) -> Bool {
        receive(timeout: timeout) { !RawResponse.parse($0).isEmpty }.responses.first?.status == 100
    }

    /// Shuts the sending side: the server reads EOF.
    package func finishSending() {
        #if canImport(Glibc)
            _ = Glibc.shutdown(fd, Int32(SHUT_WR))
        #else
            _ = Darwin.shutdown(fd, SHUT_WR)
        #endif
    }
}

/// A response split out of a byte stream by its framing (Content-Length; none for 1xx/204/304).
package struct RawResponse: Sendable {
    package var status: Int
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
    package var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The complete responses at the start of `bytes`, in order. A HEAD response's
    /// `Content-Length` would be misread as a body, so pass `headOnly` for those streams.
    /// `withBodies: false` skips copying the bodies, for counting responses in a large stream.
    package static func parse(_ bytes: [UInt8], headOnly: Bool = false, withBodies: Bool = true) -> [RawResponse] {
        var responses: [RawResponse] = []
        var offset = 0
        let terminator: [UInt8] = [13, 10, 13, 10]
        while offset < bytes.count {
            guard let end = find(terminator, in: bytes, from: offset) else { break }
            let head = String(decoding: bytes[offset..<end], as: UTF8.self)
            var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
            let statusLine = lines.removeFirst().split(separator: " ")
            guard statusLine.count >= 2, let status = Int(statusLine[1]) else { break }
            let headers = lines.compactMap { line -> (name: String, value: String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
            }
            var response = RawResponse(status: status, headers: headers, body: [])
            let bodyStart = end + 4
            let hasBody = !headOnly && status >= 200 && status != 204 && status != 304
            let length = hasBody ? (response.header("Content-Length").flatMap { Int($0) } ?? 0) : 0
            guard bytes.count - bodyStart >= length else { break }
            if withBodies { response.body = Array(bytes[bodyStart..<(bodyStart + length)]) }
            responses.append(response)
            offset = bodyStart + length
        }
        return responses
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard bytes.count - from >= needle.count else { return nil }
        var i = from
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0] && bytes[(i + 1)..<(i + needle.count)].elementsEqual(needle[1...]) { return i }
            i += 1
        }
        return nil
    }
}

extension RawClient {
    fileprivate static func systemSend(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int, _ flags: Int32) -> Int {
        #if canImport(Glibc)
            Glibc.send(fd, pointer, count, flags)
        #else
            Darwin.send(fd, pointer, count, flags)
        #endif
    }
}
