import Glibc

/// Why `Server.start()` failed, with the `errno` of the failing call so that the caller can say
/// "address already in use" rather than "something went wrong".
package enum ServerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `getaddrinfo` could not turn the host into an address (its `gai_strerror` message).
    case resolve(host: String, message: String)
    /// `socket`, `setsockopt`, `bind`, `listen` or `getsockname` failed with `errno`.
    case socket(call: String, host: String, port: Int, errno: Int32)
    /// `start()` was called on a server that was already started or shut down.
    case alreadyStarted

    package var description: String {
        switch self {
        case .resolve(let host, let message): "cannot resolve \(host): \(message)"
        case .socket(let call, let host, let port, let errno):
            "\(call) failed for \(host):\(port): \(String(cString: strerror(errno))) (errno \(errno))"
        case .alreadyStarted: "the server was already started"
        }
    }
}
