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
        let phrase = status.statusLinePhrase
        // Every piece's length, fields the server replaces included: one capacity check for the head.
        var bound = phrase.utf8.count + date.utf8.count + 128
        for field in response.headers {
            bound += field.name.rawName.utf8.count + field.value.utf8.count + 4
        }
        buffer.append(bound: bound) { out in
            out.write("HTTP/1.1 ")
            out.writeDecimal(UInt64(status.code))
            out.write(UInt8(ascii: " "))
            out.write(phrase)
            out.write("\r\n")
            for field in response.headers where !isFramingField(field.name) {
                out.write(field.name.rawName)
                out.write(": ")
                out.write(field.value)
                out.write("\r\n")
            }
            if status.mayHaveBody {
                out.write("Content-Length: ")
                out.writeDecimal(UInt64(response.body.count))
                out.write("\r\n")
            }
            out.write("Date: ")
            out.write(date)
            out.write(
                close
                    ? "\r\nConnection: close\r\n\r\n"
                    : announceKeepAlive ? "\r\nConnection: keep-alive\r\n\r\n" : "\r\n\r\n")
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
}
