package import HTTPTypes

/// One complete HTTP request, as the parser hands it to the application.
package struct Request: Sendable, Equatable {
    package var method: HTTPRequest.Method
    /// The request target exactly as sent (origin-form: `/softmax?x=1`).
    package var target: String
    package var version: Version
    package var headers: Headers
    package var body: [UInt8]

    package init(
        method: HTTPRequest.Method, target: String, version: Version = .http1_1, headers: Headers = [:],
        body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The target's path, without the query.
    package var path: Substring { targetPath(target) }
}

/// `target` up to its `?`, searched for as a byte, not a `Character`: an ASCII byte's index is a
/// valid `String` index, and the path is read on every request.
func targetPath(_ target: String) -> Substring {
    if let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) { return target[..<q] }
    return target[...]
}
