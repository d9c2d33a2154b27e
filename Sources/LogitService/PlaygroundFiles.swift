package import HTTPServer
import HTTPTypes
package import Playground

extension Playground.File {
    /// The file as a 200: its type, `Cache-Control: no-cache` (a new binary may bring a new page, and
    /// revalidating costs one small request), `X-Content-Type-Options: nosniff`, and for the page the
    /// `Content-Security-Policy` that forbids inline code and other origins.
    package var response: Response {
        var headers: HTTPFields = [.cacheControl: "no-cache", .xContentTypeOptions: "nosniff"]
        if contentType.hasPrefix("text/html") {
            headers.append(HTTPField(name: .contentSecurityPolicy, value: Playground.contentSecurityPolicy))
        }
        return Response(status: .ok, contentType: contentType, body: bytes, headers: headers)
    }
}
