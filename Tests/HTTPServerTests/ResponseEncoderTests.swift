import HTTPServer
import HTTPTypes
import Testing

struct ResponseEncoderTests {
    let date = "Sun, 06 Nov 1994 08:49:37 GMT"

    func encode(_ response: Response, headOnly: Bool = false, close: Bool = false, keepAlive: Bool = false)
        -> String
    {
        var buffer: [UInt8] = Array("previous".utf8)
        ResponseEncoder.encode(
            response, headOnly: headOnly, close: close, announceKeepAlive: keepAlive, date: date, into: &buffer)
        #expect(buffer.prefix(8) == Array("previous".utf8)[...])  // appends, never overwrites
        return String(decoding: buffer.dropFirst(8), as: UTF8.self)
    }

    @Test func writesStatusHeadersLengthDateAndBody() {
        let text = encode(Response(status: .ok, contentType: "application/json", body: Array("{}".utf8)))
        #expect(
            text
                == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nDate: \(date)\r\n\r\n{}")
    }

    @Test(arguments: [0, 1, 9, 10, 99, 100, 12_345, 65_536, 2_929_775])
    func contentLengthIsTheBodysSizeInDecimal(_ size: Int) {
        let text = encode(Response(status: .ok, body: [UInt8](repeating: 0x61, count: size)), headOnly: true)
        #expect(text == "HTTP/1.1 200 OK\r\nContent-Length: \(size)\r\nDate: \(date)\r\n\r\n")
    }

    @Test(arguments: [
        (HTTPResponse.Status.badRequest, "400 Bad Request"), (.unprocessableContent, "422 Unprocessable Content"),
        (.serviceUnavailable, "503 Service Unavailable"), (HTTPResponse.Status(code: 299), "299 Unknown"),
        // A status made from a bare code has no phrase of its own; the status line still gets RFC 9110's.
        (HTTPResponse.Status(code: 422), "422 Unprocessable Content"),
        (HTTPResponse.Status(code: 422, reasonPhrase: "Nope"), "422 Nope"),
    ])
    func statusLineHasCodeAndReason(_ status: HTTPResponse.Status, line: String) {
        let text = encode(Response(status: status))
        #expect(text.hasPrefix("HTTP/1.1 \(line)\r\n"))
    }

    @Test func handlerFramingHeadersAreReplaced() {
        let response = Response(
            status: .ok,
            headers: [
                HTTPField.Name("content-length")!: "999", .connection: "keep-alive", .transferEncoding: "chunked",
                HTTPField.Name("DATE")!: "x", HTTPField.Name("X-Kept")!: "yes",
            ],
            body: Array("abc".utf8))
        let text = encode(response, close: true)
        #expect(
            text
                == "HTTP/1.1 200 OK\r\nX-Kept: yes\r\nContent-Length: 3\r\nDate: \(date)\r\nConnection: close\r\n\r\nabc"
        )
    }

    /// The framing check looks at a name's length first; names as long as the four framing ones
    /// (Date 4, Connection 10, Content-Length 14, Transfer-Encoding 17) are still written.
    @Test func fieldsAsLongAsTheFramingOnesAreKept() {
        let response = Response(
            status: .ok,
            headers: [
                .vary: "Accept", HTTPField.Name("Keep-Alive")!: "timeout=5", HTTPField.Name("Content-Digest")!: "d",
                HTTPField.Name("X-Transfer-Encode")!: "e",
            ],
            body: Array("abc".utf8))
        #expect(
            encode(response)
                == "HTTP/1.1 200 OK\r\nVary: Accept\r\nKeep-Alive: timeout=5\r\nContent-Digest: d\r\n"
                + "X-Transfer-Encode: e\r\nContent-Length: 3\r\nDate: \(date)\r\n\r\nabc")
    }

    @Test func headKeepsTheLengthAndDropsTheBody() {
        let text = encode(Response(status: .ok, body: Array("hello".utf8)), headOnly: true)
        #expect(text == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nDate: \(date)\r\n\r\n")
    }

    @Test func noContentHasNeitherLengthNorBody() {
        let text = encode(Response(status: .noContent, headers: [.allow: "GET, OPTIONS"], body: Array("x".utf8)))
        #expect(text == "HTTP/1.1 204 No Content\r\nAllow: GET, OPTIONS\r\nDate: \(date)\r\n\r\n")
    }

    @Test func http10KeepAliveIsAnnounced() {
        let text = encode(Response(status: .ok), keepAlive: true)
        #expect(text == "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nDate: \(date)\r\nConnection: keep-alive\r\n\r\n")
    }

    @Test func continueIsTheBareInterimResponse() {
        #expect(ResponseEncoder.continueResponse == Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
    }
}
