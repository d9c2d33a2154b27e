import HTTPServer
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `OutputQueue` over a socket pair with a small send buffer, so sends fill it and must resume.
struct OutputQueueTests {
    /// A connected pair: the first end non-blocking with a small send buffer, the second to read.
    private func socketPair() throws -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        #if canImport(Glibc)
            let type = Int32(SOCK_STREAM.rawValue)
        #else
            let type = SOCK_STREAM
        #endif
        try #require(socketpair(AF_UNIX, type, 0, &fds) == 0)
        var size: Int32 = 16 * 1024
        setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        return (fds[0], fds[1])
    }

    private func drain(_ fd: Int32, into received: inout [UInt8]) {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = recv(fd, &chunk, chunk.count, Int32(MSG_DONTWAIT))
            if n <= 0 { return }
            received.append(contentsOf: chunk[..<n])
        }
    }

    /// Heads, small bodies (copied into the assembling buffer) and large ones (queued as they are)
    /// arrive whole and in order, across sends that fill the socket again and again.
    @Test func bytesLeaveInOrderAcrossFullSockets() throws {
        let (writer, reader) = try socketPair()
        defer {
            close(writer)
            close(reader)
        }
        var generator = SplitMix64(seed: 7)
        func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) } }
        var queue = OutputQueue()
        var expected: [UInt8] = []
        for size in [0, 10, OutputQueue.largeBody - 1, OutputQueue.largeBody, 300_000, 5, 1 << 20, 17] {
            let head = Array("HEAD \(size)\r\n".utf8)
            queue.append { $0.append(contentsOf: head) }
            let body = bytes(size)
            queue.append(body: body)
            expected += head + body
        }
        #expect(queue.count == expected.count)
        var received: [UInt8] = []
        var blocked = 0
        sending: while true {
            switch queue.send(to: writer) {
            case .done:
                break sending
            case .wouldBlock:
                blocked += 1
                drain(reader, into: &received)
            case .failed(let error):
                Issue.record("send failed: errno \(error)")
                return
            }
        }
        drain(reader, into: &received)
        #expect(blocked > 10)
        #expect(queue.isEmpty && queue.count == 0)
        #expect(received.count == expected.count)
        #expect(received == expected)

        // Emptied, the queue takes the next response as a fresh one.
        queue.append { $0.append(contentsOf: Array("next".utf8)) }
        #expect(queue.count == 4)
        guard case .done = queue.send(to: writer) else {
            Issue.record("the next response was not sent")
            return
        }
        received = []
        drain(reader, into: &received)
        #expect(received == Array("next".utf8))
    }

    /// A peer gone is a failure to report (and no SIGPIPE), not a crash or a hang.
    @Test func sendingToAClosedPeerFails() throws {
        let (writer, reader) = try socketPair()
        defer { close(writer) }
        close(reader)
        var queue = OutputQueue()
        queue.append(body: [UInt8](repeating: 1, count: OutputQueue.largeBody))
        queue.append { $0.append(contentsOf: [1, 2, 3]) }
        guard case .failed(let error) = queue.send(to: writer) else {
            Issue.record("send to a closed peer did not fail")
            return
        }
        #expect(error == EPIPE)
    }
}
