import HTTPTypes
import Testing

@testable import HTTPServer

/// All 256 byte values in the places where the grammar restricts them.
@Suite("RequestParser byte classes")
struct ParserByteClassTests {
    /// RFC 9110 §5.6.2: `token = 1*tchar`, `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" /
    /// "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA`. Written out here independently of
    /// the parser's bit masks.
    static let tchars = Set(Array("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8))

    static func parseWhole(_ bytes: [UInt8]) -> [ParseEvent] {
        parse([padded(bytes[...])])
    }

    @Test("a header name accepts exactly the tchar bytes")
    func acceptsOnlyTokenCharactersInHeaderNames() {
        for byte in UInt8.min...UInt8.max {
            let raw = Array("GET / HTTP/1.1\r\nHost: h\r\nX".utf8) + [byte] + Array("Y: v\r\n\r\n".utf8)
            let events = Self.parseWhole(raw)
            let expected: [ParseEvent]
            if Self.tchars.contains(byte) {
                let name = String(decoding: [UInt8(ascii: "X"), byte, UInt8(ascii: "Y")], as: UTF8.self)
                let h = head(["Host": "h", name: "v"])
                expected = [.head(h), request(h)]
            } else if byte == UInt8(ascii: ":") {
                // `X:Y: v` is the field X with the value `Y: v`.
                let h = head(["Host": "h", "X": "Y: v"])
                expected = [.head(h), request(h)]
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                expected = [.error(.whitespaceBeforeColon)]
            } else if byte == UInt8(ascii: "\r") {
                expected = [.error(.bareCarriageReturn)]
            } else if byte == UInt8(ascii: "\n") {
                expected = [.error(.bareLineFeed)]
            } else {
                expected = [.error(.invalidHeaderName)]
            }
            #expect(events == expected, "byte \(byte)")
        }
    }

    @Test("a header value accepts HTAB, SP, VCHAR and obs-text, and nothing else")
    func acceptsOnlyFieldCharactersInHeaderValues() {
        for byte in UInt8.min...UInt8.max {
            let raw = Array("GET / HTTP/1.1\r\nHost: h\r\nX: a".utf8) + [byte] + Array("b\r\n\r\n".utf8)
            let events = Self.parseWhole(raw)
            let expected: [ParseEvent]
            if byte == 0x09 || (0x20...0x7E).contains(byte) || byte >= 0x80 {
                let value = String(decoding: [UInt8(ascii: "a"), byte, UInt8(ascii: "b")], as: UTF8.self)
                let h = head(["Host": "h", "X": value])
                expected = [.head(h), request(h)]
            } else if byte == UInt8(ascii: "\r") {
                expected = [.error(.bareCarriageReturn)]
            } else if byte == UInt8(ascii: "\n") {
                expected = [.error(.bareLineFeed)]
            } else {
                expected = [.error(.invalidHeaderValue(name: "X"))]
            }
            #expect(events == expected, "byte \(byte)")
        }
    }

    /// RFC 3986: `reg-name = *( unreserved / pct-encoded / sub-delims )`, plus `:` (port) and
    /// `[` `]` (IP-literal), written out independently of the parser's masks.
    static let hostBytes = Set(
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%!$&'()*+,;=:[]".utf8))

    @Test("a Host value accepts host and port characters only")
    func acceptsOnlyHostCharactersInHost() {
        for byte in UInt8.min...UInt8.max {
            let raw = Array("GET / HTTP/1.1\r\nHost: a".utf8) + [byte] + Array("b\r\n\r\n".utf8)
            let events = Self.parseWhole(raw)
            if Self.hostBytes.contains(byte) {
                let h = head(["Host": String(decoding: [UInt8(ascii: "a"), byte, UInt8(ascii: "b")], as: UTF8.self)])
                #expect(events == [.head(h), request(h)], "byte \(byte)")
            } else if byte == 0x09 || (0x20...0x7E).contains(byte) || byte >= 0x80 {
                #expect(events == [.error(.invalidHost)], "byte \(byte)")
            } else {
                Self.expectRefusedWith400(events, byte: byte)
            }
        }
    }

    @Test("a method accepts exactly the tchar bytes")
    func acceptsOnlyTokenCharactersInMethods() {
        for byte in UInt8.min...UInt8.max {
            let raw = Array("G".utf8) + [byte] + Array("T / HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
            let events = Self.parseWhole(raw)
            if Self.tchars.contains(byte) {
                // swift-http-types' token rule must agree with the parser's.
                let text = String(decoding: [UInt8(ascii: "G"), byte, UInt8(ascii: "T")], as: UTF8.self)
                guard let method = HTTPRequest.Method(text) else {
                    Issue.record("HTTPRequest.Method refuses \(text), which the parser accepts")
                    continue
                }
                let h = head(method, "/", ["Host": "h"])
                #expect(events == [.head(h), request(h)], "byte \(byte)")
            } else {
                Self.expectRefusedWith400(events, byte: byte)
            }
        }
    }

    @Test("a target accepts visible ASCII only")
    func acceptsOnlyVisibleASCIIInTargets() {
        for byte in UInt8.min...UInt8.max {
            let raw = Array("GET /".utf8) + [byte] + Array(" HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
            let events = Self.parseWhole(raw)
            if (0x21...0x7E).contains(byte) {
                let target = String(decoding: [UInt8(ascii: "/"), byte], as: UTF8.self)
                let h = head(.get, target, ["Host": "h"])
                #expect(events == [.head(h), request(h)], "byte \(byte)")
            } else {
                Self.expectRefusedWith400(events, byte: byte)
            }
        }
    }

    @Test("a chunk size accepts hex digits only")
    func acceptsOnlyHexDigitsInChunkSizes() {
        let prefix = Array("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1".utf8)
        let h = head(.post, "/", ["Host": "h", "Transfer-Encoding": "chunked"], body: .chunked)
        for byte in UInt8.min...UInt8.max {
            let raw = prefix + [byte] + Array("\r\n".utf8)
            let events = Self.parseWhole(raw)
            let isHex = Array("0123456789abcdefABCDEF".utf8).contains(byte)
            // `1;` is not a size followed by an extension: an extension needs a name (RFC 9112 §7.1.1).
            if isHex {
                // A valid size line: the parser now waits for chunk data.
                #expect(events == [.head(h)], "byte \(byte)")
            } else {
                #expect(events.count == 2 && events.first == .head(h), "byte \(byte)")
                if case .error(let error) = events.last {
                    #expect(error.status == .badRequest, "byte \(byte)")
                } else {
                    Issue.record("byte \(byte) accepted: \(events)")
                }
            }
        }
    }

    /// `events` is exactly one error, answered with 400: how a byte outside its grammar must end.
    static func expectRefusedWith400(_ events: [ParseEvent], byte: UInt8) {
        guard case .error(let error) = events.first, events.count == 1 else {
            Issue.record("byte \(byte) accepted: \(events)")
            return
        }
        #expect(error.status == .badRequest, "byte \(byte)")
    }
}
