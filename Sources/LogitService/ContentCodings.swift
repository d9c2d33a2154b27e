import ContentCoding
package import HTTPServer
package import HTTPTypes

/// Content codings for every route (API.md "Compression"), as a layer around the router:
/// `Content-Encoding: gzip | deflate` request bodies are decoded before the route sees them, and
/// answers of 1 KiB or more are gzip-compressed when the request's `Accept-Encoding` allows it.
///
/// It sits in the application, not in the transport, because both directions cost real CPU
/// (inflating 8 MiB, deflating a 2.9 MB softmax answer takes tens of milliseconds) and only the
/// application's `Outcome` can move work off the event loop; and because its errors (400, 413,
/// 415) are written in the route group's own format. Each step stays inline only while it is as
/// cheap as what the compute routes answer inline (`inlineOutput`, `inlineCompression`).
///
/// A request without `Content-Encoding` and `Accept-Encoding` pays one pass over its header fields
/// and nothing else.
package struct ContentCodings: Sendable {
    /// The largest decoded body, the server's body limit: a gzip bomb is a 413, not an allocation.
    package var maxBodySize: Int
    /// zlib level 1. On a 2.9 MB `/softmax` answer (131 072 probabilities) level 1 takes 67 ms for
    /// a ratio of 2.08, level 6 (zlib's default) 419 ms for 2.31, level 9 1079 ms for 2.34
    /// (docs/compression.md has every level): the higher levels buy 10 % for 6× to 16× the time.
    package var level: Int32 = 1
    /// What answers the decoded request: the router.
    let next: Responder
    /// An error in the format of the request's route group (problem+json, or `/v2`'s own).
    let error: @Sendable (Request, HTTPResponse.Status, String) -> Response

    /// Answers below this many bytes go out as they are (API.md: 1 KiB): they would gain a few
    /// hundred bytes at most, and a gzip header and trailer alone are 18.
    package static let minimumSize = 1024
    /// A coded body is decoded on the event loop while its content stays within this many bytes
    /// (the compute routes' inline body limit, so an inline request costs what it did uncoded);
    /// past it the decoding starts over on Dispatch's pool, having spent at most this much work.
    package static let inlineOutput = 65_536
    /// Answers up to this size are compressed on the event loop (about 50 µs at level 1); larger
    /// ones on Dispatch's pool.
    package static let inlineCompression = 4096

    package init(
        maxBodySize: Int, error: @escaping @Sendable (Request, HTTPResponse.Status, String) -> Response,
        next: @escaping Responder
    ) {
        self.maxBodySize = maxBodySize
        self.error = error
        self.next = next
    }

    /// `request` answered by `next`, its body decoded first and its answer compressed after, as
    /// its header fields ask.
    package func respond(to request: Request) -> Reply {
        var contentEncoding: [String] = []
        var acceptEncoding: [String] = []
        for field in request.headers {
            if Headers.equal(field.name, "Content-Encoding") {
                contentEncoding.append(field.value)
            } else if Headers.equal(field.name, "Accept-Encoding") {
                acceptEncoding.append(field.value)
            }
        }
        let gzip = !acceptEncoding.isEmpty && AcceptEncoding(acceptEncoding).allowsGzip
        if contentEncoding.isEmpty || request.body.isEmpty {
            return encoded(next(request), gzip: gzip)
        }
        let coding: Coding
        switch RequestCoding(contentEncoding: contentEncoding) {
        case .identity:
            return encoded(next(request), gzip: gzip)
        case .unsupported(let value):
            var response = error(
                request, .unsupportedMediaType,
                "Content-Encoding \(value) is not supported: send the body as it is, or with gzip or deflate")
            response.headers[.acceptEncoding] = RequestCoding.acceptedValue
            return Reply(.response(compressed(response, gzip: gzip)))
        case .coded(let c):
            coding = c
        }
        // A first attempt within the inline budget; only a body that decodes to more starts over off the loop.
        let inlineLimit = min(maxBodySize, Self.inlineOutput)
        switch decode(request, coding: coding, limit: inlineLimit) {
        case .success(let decoded):
            return encoded(next(decoded), gzip: gzip)
        case .failure(let failure) where failure.isTooLarge && maxBodySize > inlineLimit:
            let limit = maxBodySize
            return Reply(
                .offload {
                    switch decode(request, coding: coding, limit: limit) {
                    case .success(let decoded): return compressed(Self.run(next(decoded).outcome), gzip: gzip)
                    case .failure(let failure): return compressed(failure.response, gzip: gzip)
                    }
                })
        case .failure(let failure):
            return Reply(.response(compressed(failure.response, gzip: gzip)))
        }
    }

    /// An error response built while decoding, and whether it was the limit.
    struct DecodeFailure: Error {
        var response: Response
        var isTooLarge: Bool
    }

    private func decode(_ request: Request, coding: Coding, limit: Int) -> Result<Request, DecodeFailure> {
        do {
            var decoded = request
            decoded.body = try Inflater.decompress(request.body, coding: coding, limit: limit)
            decoded.headers.remove(.contentEncoding)
            return .success(decoded)
        } catch .tooLarge {
            return .failure(
                DecodeFailure(
                    response: error(
                        request, .contentTooLarge, "the decoded body is larger than the limit of \(maxBodySize) bytes"),
                    isTooLarge: true))
        } catch .zlibFailure(let code) {
            return .failure(
                DecodeFailure(
                    response: error(request, .internalServerError, "zlib failed with code \(code)"), isTooLarge: false))
        } catch let failure {
            return .failure(
                DecodeFailure(response: error(request, .badRequest, Self.describe(failure)), isTooLarge: false))
        }
    }

    static func describe(_ error: DecompressionError) -> String {
        switch error {
        case .truncated(let coding): "the \(coding) body is cut short"
        case .invalid(let coding, let reason): "the body is not valid \(coding) data: \(reason)"
        case .trailingData(let coding, let count): "\(count) bytes follow the end of the \(coding) data"
        case .tooLarge(let limit): "the decoded body is larger than the limit of \(limit) bytes"
        case .zlibFailure(let code): "zlib failed with code \(code)"
        }
    }

    /// `reply` with its answer compressed when it should be: at once when the answer is ready and
    /// small, in the offloaded work otherwise.
    private func encoded(_ reply: Reply, gzip: Bool) -> Reply {
        var reply = reply
        switch reply.outcome {
        case .response(let response):
            if gzip, Self.wantsCompression(response), response.body.count > Self.inlineCompression {
                reply.outcome = .offload { compressed(response, gzip: true) }
            } else {
                reply.outcome = .response(compressed(response, gzip: gzip))
            }
        case .offload(let work):
            reply.outcome = .offload { compressed(work(), gzip: gzip) }
        }
        return reply
    }

    /// Whether an answer is big enough to be compressed (and so to vary by `Accept-Encoding`).
    static func wantsCompression(_ response: Response) -> Bool {
        response.status.mayHaveBody && response.body.count >= minimumSize
            && !response.headers.contains(.contentEncoding)
    }

    /// `response`, gzip-compressed if `gzip` and it is 1 KiB or more; with `Vary: Accept-Encoding`
    /// whenever it is that large, compressed or not, so caches keep the two apart.
    func compressed(_ response: Response, gzip: Bool) -> Response {
        guard Self.wantsCompression(response) else { return response }
        var response = response
        Self.addVary(&response.headers)
        if gzip, let body = Gzip.compress(response.body, level: level) {
            response.body = body
            response.headers[.contentEncoding] = "gzip"
        }
        return response
    }

    static func addVary(_ headers: inout HTTPFields) {
        guard let vary = headers[.vary] else {
            headers[.vary] = "Accept-Encoding"
            return
        }
        if !headers.listContains(.vary, token: "Accept-Encoding") { headers[.vary] = vary + ", Accept-Encoding" }
    }

    /// An outcome's response, computing it here (already on Dispatch's pool) if it was offloaded.
    static func run(_ outcome: Outcome) -> Response {
        switch outcome {
        case .response(let response): response
        case .offload(let work): work()
        }
    }
}
