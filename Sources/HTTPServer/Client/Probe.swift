import Glibc

/// A minimal blocking HTTP/1.1 GET, for health checks run inside a container that has no curl
/// (`logitd healthcheck`). It reads only the status line.
package enum Probe {
    package enum Failure: Error, Equatable, CustomStringConvertible {
        case resolve(host: String, message: String)
        case connect(address: String, errno: Int32)
        case io(errno: Int32)
        case malformedResponse

        package var description: String {
            switch self {
            case .resolve(let host, let message): "cannot resolve \(host): \(message)"
            case .connect(let address, let e): "cannot connect to \(address): \(String(cString: strerror(e)))"
            case .io(let e): "no answer: \(String(cString: strerror(e)))"
            case .malformedResponse: "the answer is not HTTP"
            }
        }
    }

    /// GETs `path` from `host:port` and returns the status code. A wildcard host (`0.0.0.0`, `::`)
    /// is probed on the matching loopback address, where a server bound to it answers.
    package static func get(host: String, port: Int, path: String, timeoutSeconds: Int = 2) throws(Failure) -> Int {
        let target = host == "0.0.0.0" || host.isEmpty ? "127.0.0.1" : host == "::" ? "::1" : host
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(target, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw .resolve(host: target, message: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(list) }

        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        let address = target.contains(":") ? "[\(target)]:\(port)" : "\(target):\(port)"
        guard fd >= 0 else { throw .connect(address: address, errno: errno) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            throw .connect(address: address, errno: errno)
        }

        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(target)\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw .io(errno: errno) }
            sent += n
        }
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 512)
        while head.count < 12 {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 { throw .io(errno: errno) }
            if n == 0 { break }
            head += chunk[..<n]
        }
        // "HTTP/1.1 200 "
        guard head.count >= 12, head.starts(with: Array("HTTP/1.".utf8)), head[8] == UInt8(ascii: " "),
            let code = Int(String(decoding: head[9..<12], as: UTF8.self))
        else { throw .malformedResponse }
        return code
    }
}
