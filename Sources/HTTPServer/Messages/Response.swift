/// A response the application returns. The server adds `Content-Length`, `Date` and
/// `Connection` when it writes it, so no handler can get the framing wrong.
package struct Response: Sendable {
    package var status: Status
    package var headers: Headers
    package var body: [UInt8]

    package init(status: Status, headers: Headers = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A body of bytes with its media type.
    package init(status: Status, contentType: String, body: [UInt8], headers: Headers = [:]) {
        var headers = headers
        headers.set("Content-Type", contentType)
        self.init(status: status, headers: headers, body: body)
    }

    /// An RFC 9457 problem: `application/problem+json` with type, title, status and detail.
    /// It lives here because the server itself answers protocol errors (400, 408, 413, 431, 501,
    /// 503) in the same format the application uses, as docs/api.md asks of every error.
    package static func problem(_ status: Status, detail: String, headers: Headers = [:]) -> Response {
        var json = #"{"type":"about:blank","title":"#
        json += jsonString(status.reasonPhrase)
        json += #","status":\#(status.code),"detail":"#
        json += jsonString(detail)
        json += "}"
        return Response(
            status: status, contentType: "application/problem+json", body: Array(json.utf8), headers: headers)
    }

    /// `s` as a JSON string literal (RFC 8259 §7): quotes, backslashes and control characters escaped.
    package static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
