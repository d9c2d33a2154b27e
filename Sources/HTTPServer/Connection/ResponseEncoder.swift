import HTTPTypes

/// Writes a response's bytes (RFC 9112 §4–6) into a reusable buffer.
///
/// The server, not the handler, owns the framing headers: any `Content-Length`, `Date`,
/// `Connection` or `Transfer-Encoding` a handler set is replaced, so no handler can frame a
/// response wrongly and desynchronise a keep-alive connection.
package enum ResponseEncoder {
    /// Appends `response` to `buffer`.
    /// - Parameters:
    ///   - headOnly: a HEAD request: all headers, `Content-Length` of the body included, and no body.
    ///   - close: the connection closes after this response (`Connection: close`).
    ///   - announceKeepAlive: an HTTP/1.0 client asked for keep-alive, so say `Connection: keep-alive`.
    package static func encode(
        _ response: Response, headOnly: Bool, close: Bool, announceKeepAlive: Bool, date: String,
        into buffer: inout [UInt8]
    ) {
        encodeHead(response, close: close, announceKeepAlive: announceKeepAlive, date: date, into: &buffer)
        if !headOnly && response.status.mayHaveBody {
            buffer.append(contentsOf: response.body)
        }
    }

    /// Appends the status line and header block of `response` (the body is the caller's to send).
    package static func encodeHead(
        _ response: Response, close: Bool, announceKeepAlive: Bool, date: String, into buffer: inout [UInt8]
    ) {
        let status = response.status
        buffer.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(status.code, to: &buffer)
        buffer.append(UInt8(ascii: " "))
        buffer.append(contentsOf: status.statusLinePhrase.utf8)
        buffer.append(contentsOf: "\r\n".utf8)
        for field in response.headers where !isFramingField(field.name) {
            buffer.append(contentsOf: field.name.rawName.utf8)
            buffer.append(contentsOf: ": ".utf8)
            buffer.append(contentsOf: field.value.utf8)
            buffer.append(contentsOf: "\r\n".utf8)
        }
        if status.mayHaveBody {
            buffer.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(response.body.count, to: &buffer)
            buffer.append(contentsOf: "\r\n".utf8)
        }
        buffer.append(contentsOf: "Date: ".utf8)
        buffer.append(contentsOf: date.utf8)
        if close {
            buffer.append(contentsOf: "\r\nConnection: close\r\n\r\n".utf8)
        } else if announceKeepAlive {
            buffer.append(contentsOf: "\r\nConnection: keep-alive\r\n\r\n".utf8)
        } else {
            buffer.append(contentsOf: "\r\n\r\n".utf8)
        }
    }

    /// The interim response that tells a client sending `Expect: 100-continue` to send its body.
    package static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Whether `name` is one of the four fields the server writes itself. The length is looked at
    /// first (4, 10, 14 or 17 bytes), so the usual fields (`Content-Type`, 12) cost no string
    /// comparison.
    private static func isFramingField(_ name: HTTPField.Name) -> Bool {
        switch name.canonicalName.utf8.count {
        case 4: name == .date
        case 10: name == .connection
        case 14: name == .contentLength
        case 17: name == .transferEncoding
        default: false
        }
    }

    /// Appends `value` (≥ 0) in decimal, without making a string first: a status line or a
    /// `Content-Length` built by interpolation is over 15 bytes and so a heap allocation.
    private static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        precondition(value >= 0, "a status code or a length is not negative")
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 24 digits, Int.max has 19
        var count = 0
        var rest = UInt64(value)
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[23 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            buffer.append(contentsOf: raw[(24 - count)...])
        }
    }
}
