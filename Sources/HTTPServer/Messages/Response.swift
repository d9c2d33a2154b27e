package import HTTPTypes

/// A response the application returns. The server adds `Content-Length`, `Date` and
/// `Connection` when it writes it, so no handler can get the framing wrong.
package struct Response: Sendable {
    package var status: HTTPResponse.Status
    package var headers: HTTPFields
    package var body: [UInt8]

    package init(status: HTTPResponse.Status, headers: HTTPFields = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A body of bytes with its media type.
    package init(status: HTTPResponse.Status, contentType: String, body: [UInt8], headers: HTTPFields = [:]) {
        var headers = headers
        headers[.contentType] = contentType
        self.init(status: status, headers: headers, body: body)
    }

    /// The server's own error answer when the application gives none: the detail as plain text.
    package static func plainText(_ error: TransportError) -> Response {
        Response(status: error.status, contentType: "text/plain; charset=utf-8", body: Array(error.detail.utf8))
    }
}
