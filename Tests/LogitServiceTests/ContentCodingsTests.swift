import ContentCoding
import HTTPServer
import HTTPTypes
import LogitService
import TestSupport
import Testing

/// The layer alone, around a stand-in for the router that records what it was given.
@Suite struct ContentCodingsTests {
    static let seed = Array(#"{"logits":[2.0,1.0,0.1,-1.0,3.5]}"#.utf8)

    /// A layer whose `next` answers with `answer` (inline, or offloaded when `offload`) and
    /// remembers the request it saw.
    final class Probe: @unchecked Sendable {
        var seen: Request?
        var answer: Response
        var offload: Bool
        init(answer: Response = Response(status: .ok), offload: Bool = false) {
            self.answer = answer
            self.offload = offload
        }
        func layer(maxBodySize: Int = 1 << 20) -> ContentCodings {
            ContentCodings(
                maxBodySize: maxBodySize,
                error: { _, status, detail in
                    Response(status: status, contentType: "text/plain", body: Array(detail.utf8))
                },
                next: { request in
                    self.seen = request
                    let answer = self.answer
                    return Reply(self.offload ? .offload { answer } : .response(answer), route: "/probe")
                })
        }
    }

    static func request(_ body: [UInt8], _ headers: Headers = [:]) -> Request {
        Request(method: .post, target: "/probe", headers: headers, body: body)
    }

    /// The response of `reply`, running offloaded work here; and whether it was offloaded.
    static func run(_ reply: Reply) -> (Response, offloaded: Bool) {
        switch reply.outcome {
        case .response(let response): (response, false)
        case .offload(let work): (work(), true)
        }
    }

    @Test("a request without codings reaches the route untouched, and its small answer stays inline")
    func plainRequest() {
        let probe = Probe(answer: Response(status: .ok, body: Array(repeating: 65, count: 100)))
        let request = Self.request(Self.seed, ["Content-Type": "application/json"])
        let reply = probe.layer().respond(to: request)
        #expect(probe.seen == request)
        #expect(reply.route == "/probe")
        let (response, offloaded) = Self.run(reply)
        #expect(!offloaded)
        #expect(response.body.count == 100)
        #expect(response.headers.count == 0)
    }

    @Test("a small gzip body is decoded inline, without its Content-Encoding")
    func smallBodyInline() {
        let probe = Probe()
        let reply = probe.layer().respond(to: Self.request(Zlib.gzip(Self.seed), ["Content-Encoding": "GZip"]))
        #expect(probe.seen?.body == Self.seed)
        #expect(probe.seen?.headers.contains(.contentEncoding) == false)
        #expect(!Self.run(reply).offloaded)
    }

    /// 200 KiB of content from a body of a few hundred bytes: the first, inline attempt stops at
    /// 64 KiB and the decoding starts over on the pool; the route is called once, there.
    @Test("a body that decodes past 64 KiB is decoded off the event loop")
    func largeBodyOffloaded() {
        let content = [UInt8](repeating: 32, count: 200 * 1024)
        let probe = Probe()
        let reply = probe.layer().respond(to: Self.request(Zlib.gzip(content), ["Content-Encoding": "gzip"]))
        #expect(probe.seen == nil)
        let (response, offloaded) = Self.run(reply)
        #expect(offloaded)
        #expect(response.status == .ok)
        #expect(probe.seen?.body == content)
    }

    @Test("a bomb past the limit is a 413, inline when the limit is within the inline budget")
    func bombs() {
        let bomb = Bomb.gzipZeros(mebibytes: 16)
        let probe = Probe()
        let small = Self.run(
            probe.layer(maxBodySize: 4096).respond(to: Self.request(bomb, ["Content-Encoding": "gzip"])))
        #expect(small.0.status == .contentTooLarge)
        #expect(!small.offloaded)
        let large = Self.run(
            probe.layer(maxBodySize: 8 << 20).respond(to: Self.request(bomb, ["Content-Encoding": "gzip"])))
        #expect(large.0.status == .contentTooLarge)
        #expect(large.offloaded)
        #expect(probe.seen == nil)
    }

    @Test("an empty body is passed on whatever its Content-Encoding")
    func emptyBody() {
        let probe = Probe()
        let reply = probe.layer().respond(to: Self.request([], ["Content-Encoding": "br"]))
        #expect(Self.run(reply).0.status == .ok)
        #expect(probe.seen != nil)
    }

    @Test("415 carries Accept-Encoding; 400 names the problem; the route is not called")
    func errors() {
        let probe = Probe()
        let unsupported = Self.run(probe.layer().respond(to: Self.request(Self.seed, ["Content-Encoding": "br"]))).0
        #expect(unsupported.status == .unsupportedMediaType)
        #expect(unsupported.headers[.acceptEncoding] == "gzip, deflate")
        let invalid = Self.run(probe.layer().respond(to: Self.request(Self.seed, ["Content-Encoding": "deflate"]))).0
        #expect(invalid.status == .badRequest)
        #expect(
            String(decoding: invalid.body, as: UTF8.self)
                == "the body is not valid deflate data: incorrect header check")
        #expect(probe.seen == nil)
    }

    @Test(
        "answers of 1 KiB or more vary by Accept-Encoding and are compressed when it allows gzip",
        arguments: [
            (1023, "gzip", false, false), (1024, "gzip", true, true), (1024, nil, false, true),
            (5000, "gzip;q=0", false, true), (5000, "deflate", false, true), (5000, "*", true, true),
        ] as [(Int, String?, Bool, Bool)])
    func answers(size: Int, accept: String?, compressed: Bool, varies: Bool) {
        let body = (0..<size).map { UInt8(truncatingIfNeeded: $0 % 7 + 48) }
        for offload in [false, true] {
            let probe = Probe(answer: Response(status: .ok, contentType: "text/plain", body: body), offload: offload)
            var headers: Headers = [:]
            if let accept { headers.add("Accept-Encoding", accept) }
            let (response, _) = Self.run(probe.layer().respond(to: Self.request(Self.seed, headers)))
            #expect(response.headers[.contentEncoding] == (compressed ? "gzip" : nil))
            #expect(response.headers[.vary] == (varies ? "Accept-Encoding" : nil))
            #expect((compressed ? Zlib.gunzip(response.body, size: size) : response.body) == body)
        }
    }

    @Test("an answer over 4 KiB is compressed off the loop; a 204, or one already coded, is left alone")
    func whereAnswersAreCompressed() {
        let big = Response(status: .ok, body: [UInt8](repeating: 1, count: 5000))
        let probe = Probe(answer: big)
        let accept: Headers = ["Accept-Encoding": "gzip"]
        #expect(Self.run(probe.layer().respond(to: Self.request([], accept))).offloaded)
        probe.answer = Response(status: .ok, headers: [.contentEncoding: "br"], body: big.body)
        #expect(Self.run(probe.layer().respond(to: Self.request([], accept))).0.headers[.contentEncoding] == "br")
        probe.answer = Response(status: .noContent)
        #expect(Self.run(probe.layer().respond(to: Self.request([], accept))).0.headers[.vary] == nil)
    }

    @Test("an existing Vary gains Accept-Encoding once")
    func varyMerges() {
        let probe = Probe(
            answer: Response(status: .ok, headers: [.vary: "Accept"], body: [UInt8](repeating: 1, count: 2000)))
        let response = Self.run(probe.layer().respond(to: Self.request([]))).0
        #expect(response.headers[values: .vary] == ["Accept, Accept-Encoding"])
        probe.answer.headers[.vary] = "accept-encoding"
        #expect(
            Self.run(probe.layer().respond(to: Self.request([]))).0.headers[values: .vary] == ["accept-encoding"])
    }
}
