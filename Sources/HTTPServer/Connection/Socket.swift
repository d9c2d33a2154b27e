import Glibc

/// Flags for `send`: `MSG_NOSIGNAL`, so a write to a socket the peer reset returns EPIPE instead
/// of raising SIGPIPE and killing the process.
let sendNoSignal = Int32(MSG_NOSIGNAL)

/// Shuts the sending side of `fd` (the peer reads EOF) while it can still be read from.
func shutdownWriting(_ fd: Int32) {
    _ = Glibc.shutdown(fd, Int32(SHUT_WR))
}

/// Writes all of `bytes` to `fd`, retrying on EINTR and short writes; gives up quietly if the
/// descriptor fails (for logs: a closed stderr must not crash or stop the server).
package func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) {
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n > 0 {
            offset += n
        } else if n < 0 && errno == EINTR {
            continue
        } else {
            return
        }
    }
}
