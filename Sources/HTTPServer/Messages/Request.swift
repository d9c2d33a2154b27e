/// One complete HTTP request, as the parser hands it to the application.
package struct Request: Sendable, Equatable {
    package var method: Method
    /// The request target exactly as sent (origin-form: `/softmax?x=1`).
    package var target: String
    package var version: Version
    package var headers: Headers
    package var body: [UInt8]

    package init(
        method: Method, target: String, version: Version = .http1_1, headers: Headers = [:], body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The target's path, without the query.
    package var path: Substring {
        if let q = queryMark { return target[..<q] }
        return target[...]
    }

    /// The target's query (after `?`), or nil.
    package var query: Substring? {
        guard let q = queryMark else { return nil }
        return target[target.utf8.index(after: q)...]
    }

    /// Where the `?` is: searched for as a byte, not a `Character` (the path is read several times per
    /// request, and the grapheme-by-grapheme search was 0.9 % of a small request's CPU). An ASCII byte's
    /// index is a valid `String` index.
    private var queryMark: String.Index? { target.utf8.firstIndex(of: UInt8(ascii: "?")) }
}
