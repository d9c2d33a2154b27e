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
