package import HTTPServer
package import Playground

extension Playground.File {
    /// The file as a 200: its type, `Cache-Control: no-cache` (a new binary may bring a new page, and
    /// revalidating costs one small request), `X-Content-Type-Options: nosniff`, and for the page the
    /// `Content-Security-Policy` that forbids inline code and other origins.
    package var response: Response {
        var headers: Headers = ["Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"]
        if contentType.hasPrefix("text/html") {
            headers.add("Content-Security-Policy", Playground.contentSecurityPolicy)
        }
        return Response(status: .ok, contentType: contentType, body: bytes, headers: headers)
    }
}
