import HTTPTypes
import Testing

@testable import HTTPServer

/// The size limits: each must fail as soon as it is passed, not after buffering.
@Suite("RequestParser limits")
struct ParserLimitsTests {
    /// A GET whose head (request line, fields, CRLFs) is exactly `size` bytes.
    static func headBytes(ofSize size: Int) -> [UInt8] {
        let fixed = "GET / HTTP/1.1\r\nHost: h\r\nX: \r\n\r\n".utf8.count
        return Array("GET / HTTP/1.1\r\nHost: h\r\nX: \(String(repeating: "a", count: size - fixed))\r\n\r\n".utf8)
    }

    @Test("a head of exactly maxHeaderSize is accepted, one byte more is 431", arguments: [64, 200, 1000])
    func refusesAHeadOneByteOverTheLimit(limit: Int) {
        let limits = ParserLimits(maxHeaderSize: limit)
        let exact = Self.headBytes(ofSize: limit)
        #expect(exact.count == limit)
        for (how, chunks) in splits(of: exact) {
            let events = parse(chunks, limits: limits)
            #expect(events.count == 2, "\(how)")
            #expect(events.last.map { if case .request = $0 { true } else { false } } == true, "\(how)")
        }
        let over = Self.headBytes(ofSize: limit + 1)
        for (how, chunks) in splits(of: over) {
            #expect(parse(chunks, limits: limits) == [.error(.headersTooLarge(limit: limit))], "\(how)")
        }
    }

    @Test("a megabyte of header without a line end fails once the limit has arrived, not at the end")
    func refusesAnEndlessHeaderAsSoonAsTheLimitPasses() {
        var parser = RequestParser()
        parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\nX: ".utf8))
        var fed = parser.bufferedByteCount
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        var error: ParseError?
        while fed < 1 << 20 {
            parser.append(piece)
            fed += piece.count
            if case .error(let e) = parser.next() {
                error = e
                break
            }
            #expect(parser.bufferedByteCount < 16384, "buffered past the limit")
        }
        #expect(error == .headersTooLarge(limit: 16384))
        #expect(fed >= 16384 && fed < 16384 + piece.count)
    }

    @Test("an endless request line is refused at the limit too")
    func refusesAnEndlessRequestLine() {
        let limits = ParserLimits(maxHeaderSize: 100)
        var parser = RequestParser(limits: limits)
        parser.append(Array("GET /".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 94))
        #expect(parser.next() == nil)
        parser.append([UInt8(ascii: "a")])
        #expect(parser.next() == .error(.headersTooLarge(limit: 100)))
    }

    @Test("Content-Length over maxBodySize is 413 at the head, before any body byte")
    func refusesADeclaredLengthOverTheLimitAtTheHead() {
        let limits = ParserLimits(maxBodySize: 10)
        var parser = RequestParser(limits: limits)
        parser.append(Array("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n".utf8))
        #expect(parser.next() == .error(.bodyTooLarge(limit: 10)))
        let atLimit = Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789".utf8)
        let events = parse([atLimit[...]], limits: limits)
        #expect(events.count == 2)
        if case .request(let r, _) = events.last { #expect(r.body.count == 10) } else { Issue.record("\(events)") }
    }

    @Test("a chunked body is 413 as soon as its decoded size passes maxBodySize")
    func refusesAChunkedBodyOnceItPassesTheLimit() {
        let limits = ParserLimits(maxBodySize: 10)
        let h = head(.post, "/", ["Host": "h", "Transfer-Encoding": "chunked"], body: .chunked)
        let prefix = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        // 6 + 4 = 10 bytes: accepted.
        let ok = Array((prefix + "6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n").utf8)
        for (how, chunks) in splits(of: ok) {
            #expect(parse(chunks, limits: limits) == [.head(h), request(h, body: "abcdefghij")], "\(how)")
        }
        // 6 + 5: refused at the second size line, before its data arrives.
        var parser = RequestParser(limits: limits)
        parser.append(Array((prefix + "6\r\nabcdef\r\n5\r\n").utf8))
        #expect(parser.next() == .head(h))
        #expect(parser.next() == .error(.bodyTooLarge(limit: 10)))
    }

    @Test("trailers count against maxHeaderSize")
    func refusesEndlessTrailers() {
        let limits = ParserLimits(maxHeaderSize: 100)
        var parser = RequestParser(limits: limits)
        parser.append(Array("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n".utf8))
        #expect(parser.next() != nil)
        for _ in 0..<9 {
            parser.append(Array("X: 123456\r\n".utf8))  // 11 bytes each, 99 in all
            #expect(parser.next() == nil)
        }
        parser.append(Array("X".utf8))
        #expect(parser.next() == .error(.headersTooLarge(limit: 100)))
    }

    @Test("a chunk-size line is bounded even when it is all extension")
    func refusesAnEndlessChunkExtension() {
        var parser = RequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;x=".utf8))
        #expect(parser.next() != nil)
        parser.append([UInt8](repeating: UInt8(ascii: "y"), count: ParserLimits.maxChunkLineSize))
        #expect(parser.next() == .error(.chunkLineTooLong(limit: ParserLimits.maxChunkLineSize)))
    }

    @Test("a large body arriving in pieces is assembled without losing bytes")
    func assemblesALargeBodyFromPieces() {
        let body = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var parser = RequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(body.count)\r\n\r\n".utf8))
        #expect(parser.next() != nil)
        var i = 0
        var result: Request?
        while i < body.count {
            let n = min(4093, body.count - i)
            parser.append(body[i..<(i + n)])
            i += n
            if case .request(let r, _) = parser.next() { result = r }
            #expect(parser.bufferedByteCount <= 4093)
        }
        #expect(result?.body == body)
    }
}
