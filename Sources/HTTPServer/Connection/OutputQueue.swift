import Glibc

/// What a connection has yet to send, in order: heads and small bodies assembled in one buffer,
/// large bodies queued as the handler made them, and all of it sent with `sendmsg` over several
/// buffers at once.
///
/// Why not one buffer: copying a 2.9 MB answer into it cost a 2.9 MB allocation, its page faults
/// and the copy, for every large request; an array is a reference, so queueing it costs nothing.
/// Small answers (and a pipelined burst of them) still go out in one buffer and one call.
package struct OutputQueue {
    /// Buffers in send order. The last one is open for appending unless it is a queued body.
    private var chunks: [[UInt8]] = []
    private var lastIsOpen = false
    /// Bytes of `chunks[0]` already sent.
    private var sent = 0
    /// Bytes queued and not sent.
    package private(set) var count = 0
    /// The assembling buffer, emptied and kept for the next response while it is small.
    private var spare: [UInt8] = []

    package init() {}

    /// Bodies at least this large are queued rather than copied.
    package static let largeBody = 64 * 1024
    /// The most assembling capacity kept between responses.
    static let retainedCapacity = 256 * 1024

    package var isEmpty: Bool { count == 0 }

    /// Appends bytes through `body`, which writes at the end of the open buffer.
    package mutating func append(_ body: (inout [UInt8]) -> Void) {
        if !lastIsOpen {
            chunks.append(spare)
            spare = []
            lastIsOpen = true
        }
        let last = chunks.count - 1
        let before = chunks[last].count
        body(&chunks[last])
        count += chunks[last].count - before
    }

    /// Queues `bytes` after what is queued: copied into the open buffer when small, queued as is
    /// (no copy) when large.
    package mutating func append(body bytes: [UInt8]) {
        guard bytes.count >= Self.largeBody else {
            append { $0.append(contentsOf: bytes) }
            return
        }
        chunks.append(bytes)
        lastIsOpen = false
        count += bytes.count
    }

    package enum SendResult {
        /// Everything queued is sent.
        case done
        /// The socket is full; `progressed` if some bytes went before it filled.
        case wouldBlock(progressed: Bool)
        /// The send failed with `errno`.
        case failed(Int32)
    }

    /// Sends until everything is sent, the socket is full, or it fails.
    package mutating func send(to fd: Int32) -> SendResult {
        var progressed = false
        while !chunks.isEmpty {
            let n = sendSome(fd)
            if n >= 0 {
                progressed = progressed || n > 0
                consume(n)
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                return .wouldBlock(progressed: progressed)
            } else {
                return .failed(errno)
            }
        }
        return .done
    }

    /// One `sendmsg` over the first two buffers (a head and its body), or `send` for one.
    private func sendSome(_ fd: Int32) -> Int {
        chunks[0].withUnsafeBytes { first in
            let head = UnsafeRawBufferPointer(rebasing: first[sent...])
            guard chunks.count > 1 else {
                return sendBytes(fd, head)
            }
            return chunks[1].withUnsafeBytes { second in
                var vectors = [
                    iovec(iov_base: UnsafeMutableRawPointer(mutating: head.baseAddress), iov_len: head.count),
                    iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count),
                ]
                return vectors.withUnsafeMutableBufferPointer { vectors in
                    var message = msghdr()
                    message.msg_iov = vectors.baseAddress
                    message.msg_iovlen = numericCast(vectors.count)
                    return sendmsg(fd, &message, sendNoSignal)
                }
            }
        }
    }

    /// Drops `n` sent bytes from the front.
    private mutating func consume(_ n: Int) {
        var n = n
        count -= n
        while n > 0 || (!chunks.isEmpty && chunks[0].count == sent) {
            let left = chunks[0].count - sent
            if n < left {
                sent += n
                return
            }
            n -= left
            sent = 0
            let done = chunks.removeFirst()
            if chunks.isEmpty {
                lastIsOpen = false
                // Keep a small assembling buffer for the next response; give back a large one.
                if done.capacity <= Self.retainedCapacity && spare.capacity == 0 {
                    spare = done
                    spare.removeAll(keepingCapacity: true)
                }
            }
        }
    }
}

/// `send` with `MSG_NOSIGNAL`, so a peer's reset cannot raise SIGPIPE.
private func sendBytes(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
    send(fd, bytes.baseAddress, bytes.count, sendNoSignal)
}
