/// A content coding logitd decodes in request bodies (RFC 9110 §8.4.1). `deflate` is the zlib
/// format (RFC 1950 around RFC 1951 data), which is what RFC 9110 §8.4.1.2 calls deflate and what
/// Python's `zlib.compress` and tritonclient send; raw RFC 1951 data without the zlib wrapper is
/// not accepted under that name.
package enum Coding: String, Sendable, Equatable, CaseIterable {
    case gzip
    case deflate

    /// The coding a `Content-Encoding` or `Accept-Encoding` token names, case-insensitively
    /// (RFC 9110 §8.4.1: coding names are case-insensitive). `x-gzip` is gzip (§8.4.1.3).
    package init?(token: some StringProtocol) {
        if ASCII.equalsIgnoringCase(token, "gzip") || ASCII.equalsIgnoringCase(token, "x-gzip") {
            self = .gzip
        } else if ASCII.equalsIgnoringCase(token, "deflate") {
            self = .deflate
        } else {
            return nil
        }
    }

    /// zlib's `windowBits` for decoding: 15 (the largest window, so any valid stream decodes),
    /// plus 16 for the gzip wrapper; 15 alone means the zlib wrapper.
    var windowBits: Int32 { self == .gzip ? 16 + 15 : 15 }
}

/// What a request's `Content-Encoding` asks of its body.
package enum RequestCoding: Sendable, Equatable {
    /// No field, an empty one, or only `identity`: the body is as sent.
    case identity
    /// One supported coding to undo.
    case coded(Coding)
    /// A coding logitd does not decode (`br`, `zstd`, `compress`), or more than one coding
    /// (`gzip, gzip`): the answer is 415 with `Accept-Encoding: gzip, deflate`. The value is the
    /// field as sent, for the error's detail.
    case unsupported(String)

    /// The coding of a request whose `Content-Encoding` fields are `values` (several fields are one
    /// list, RFC 9110 §5.3). `identity` entries are skipped: RFC 9110 §8.4 says a sender should not
    /// list it, but it changes nothing, so refusing it would only break harmless clients.
    package init(contentEncoding values: some Sequence<String>) {
        var found: Coding?
        var count = 0
        var all: [String] = []
        for value in values {
            all.append(value)
            for element in value.split(separator: ",") {
                let token = ASCII.trimmingWhitespace(element)
                if token.isEmpty || ASCII.equalsIgnoringCase(token, "identity") { continue }
                count += 1
                found = Coding(token: token)
            }
        }
        switch (count, found) {
        case (0, _): self = .identity
        case (1, let coding?): self = .coded(coding)
        default: self = .unsupported(all.joined(separator: ", "))
        }
    }

    /// The `Accept-Encoding` value a 415 carries (RFC 9110 §15.5.16: it names what the server
    /// accepts in requests).
    package static let acceptedValue = "gzip, deflate"
}

/// Byte-level helpers for header tokens, which are ASCII (RFC 9110 §5.6.2).
enum ASCII {
    static func equalsIgnoringCase(_ a: some StringProtocol, _ b: StaticString) -> Bool {
        let bytes = UnsafeBufferPointer(start: b.utf8Start, count: b.utf8CodeUnitCount)
        guard a.utf8.count == bytes.count else { return false }
        return zip(a.utf8, bytes).allSatisfy { lower($0) == lower($1) }
    }

    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// `s` without leading and trailing OWS (spaces and tabs, RFC 9110 §5.6.3).
    static func trimmingWhitespace<S: StringProtocol>(_ s: S) -> S.SubSequence {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = s.firstIndex(where: { !isWhitespace($0) }) else { return s[s.endIndex...] }
        let last = s.lastIndex(where: { !isWhitespace($0) })!
        return s[first...last]
    }
}
