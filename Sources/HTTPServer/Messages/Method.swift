/// An HTTP request method (RFC 9110 §9). Methods are case-sensitive tokens, so this is a
/// struct over the token and not a closed enum: an unknown method is still a method (→ 405/501
/// by the router), not a parse error.
package struct Method: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package var rawValue: String
    package init(rawValue: String) { self.rawValue = rawValue }
    package init(_ rawValue: String) { self.rawValue = rawValue }
    package var description: String { rawValue }

    package static let get = Method("GET")
    package static let head = Method("HEAD")
    package static let post = Method("POST")
    package static let put = Method("PUT")
    package static let delete = Method("DELETE")
    package static let patch = Method("PATCH")
    package static let options = Method("OPTIONS")
    package static let trace = Method("TRACE")
    package static let connect = Method("CONNECT")
}

/// The protocol version from the request line: `HTTP/1.0` or `HTTP/1.1` (others are refused by the parser).
package struct Version: Hashable, Sendable, CustomStringConvertible {
    package var major: Int
    package var minor: Int
    package init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }
    package static let http1_0 = Version(major: 1, minor: 0)
    package static let http1_1 = Version(major: 1, minor: 1)
    package var description: String { "HTTP/\(major).\(minor)" }
}
