import HTTPTypes
import Testing

@testable import HTTPServer

/// Requests the parser must accept, each with the exact events it must produce.
let validCases: [ParserCase] = [
    accepts("simple GET", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", head(["Host": "a"])),
    accepts(
        "Host with an IPv6 literal and port", "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", head(["Host": "[::1]:8080"])
    ),
    accepts("empty Host", "GET / HTTP/1.1\r\nHost: \r\n\r\n", head(["Host": ""])),
    accepts(
        "POST with Content-Length", "POST /softmax?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n[0.5, -0.1]",
        head(.post, "/softmax?x=1", ["Host": "h", "Content-Length": "11"], body: .length(11)), body: "[0.5, -0.1]"),
    accepts(
        "POST without a body", "POST /sigmoid HTTP/1.1\r\nHost: h\r\n\r\n", head(.post, "/sigmoid", ["Host": "h"])),
    accepts(
        "POST with Content-Length 0", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
        head(.post, "/", ["Host": "h", "Content-Length": "0"], body: .length(0))),
    accepts(
        "Content-Length with leading zeros", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 003\r\n\r\nabc",
        head(.post, "/", ["Host": "h", "Content-Length": "003"], body: .length(3)), body: "abc"),
    accepts(
        "chunked with extensions and trailers",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n1 ; q=\"a;b\\\"c\"\r\n,\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\nY: 2\r\n\r\n",
        head(.post, "/", ["Host": "h", "Transfer-Encoding": "chunked"], body: .chunked), body: "hello,0123456789"),
    accepts(
        "chunk extensions with BWS, several names, a name alone and a quoted value with a quoted-pair",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "2 ; a = b\t;c;d=\"x\\\"y;z\"\r\nhi\r\n0;last\r\n\r\n",
        head(.post, "/", ["Host": "h", "Transfer-Encoding": "chunked"], body: .chunked), body: "hi"),
    accepts(
        "chunked, case-insensitive coding, uppercase hex with leading zeros",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n000B\r\nhello world\r\n00\r\n\r\n",
        head(.post, "/", ["Host": "h", "Transfer-Encoding": "Chunked"], body: .chunked), body: "hello world"),
    accepts(
        "chunked over two Transfer-Encoding lines with empty list elements",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ,\r\nTransfer-Encoding: , chunked ,\r\n\r\n0\r\n\r\n",
        head(.post, "/", ["Host": "h", "Transfer-Encoding": ",", "Transfer-Encoding": ", chunked ,"], body: .chunked)),
    accepts(
        "HTTP/1.0 without Host closes by default", "GET /healthz HTTP/1.0\r\n\r\n",
        head(.get, "/healthz", .http1_0, [:], keepAlive: false)),
    accepts(
        "HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
        head(.get, "/", .http1_0, ["Connection": "Keep-Alive"], keepAlive: true)),
    accepts(
        "HTTP/1.0 close wins over keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
        head(.get, "/", .http1_0, ["Connection": "keep-alive, close"], keepAlive: false)),
    accepts(
        "HTTP/1.1 Connection: close", "GET / HTTP/1.1\r\nHost: h\r\nConnection: foo,  CLOSE \r\n\r\n",
        head(["Host": "h", "Connection": "foo,  CLOSE"], keepAlive: false)),
    accepts(
        "empty lines before the request line are skipped", "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
        head(["Host": "a"])),
    accepts(
        "absolute-form target kept as sent", "GET http://example.com:8080/a?b HTTP/1.1\r\nHost: example.com\r\n\r\n",
        head(.get, "http://example.com:8080/a?b", ["Host": "example.com"])),
    accepts(
        "asterisk-form for OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", head(.options, "*", ["Host": "h"])),
    accepts(
        "unknown method is a token, not an error", "BREW /pot HTTP/1.1\r\nHost: h\r\n\r\n",
        head(HTTPRequest.Method("BREW")!, "/pot", ["Host": "h"])),
    accepts(
        "Expect: 100-continue with a body",
        "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\nhi",
        head(
            .post, "/", ["Host": "h", "Expect": "100-Continue", "Content-Length": "2"], body: .length(2),
            expectsContinue: true), body: "hi"),
    accepts(
        "Expect: 100-continue with a chunked body",
        "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
        head(
            .post, "/", ["Host": "h", "Expect": "100-continue", "Transfer-Encoding": "chunked"], body: .chunked,
            expectsContinue: true), body: "hi"),
    accepts(
        "Expect: 100-continue without a body expects nothing",
        "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n",
        head(.post, "/", ["Host": "h", "Expect": "100-continue", "Content-Length": "0"], body: .length(0))),
    accepts(
        "Expect: 100-continue is ignored in HTTP/1.0",
        "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx",
        head(.post, "/", .http1_0, ["Expect": "100-continue", "Content-Length": "1"], body: .length(1)), body: "x"),
    accepts(
        "other expectations are ignored", "GET / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\n\r\n",
        head(["Host": "h", "Expect": "200-ok"])),
    accepts(
        "values lose OWS, keep inner spaces, tabs and UTF-8",
        "GET / HTTP/1.1\r\nHost:h\r\nX-A: \t a \t b \t\r\nX-Empty:\r\nX-Spaces:   \r\nX-U: caf\u{E9}\r\n\r\n",
        head(["Host": "h", "X-A": "a \t b", "X-Empty": "", "X-Spaces": "", "X-U": "caf\u{E9}"])),
]

/// Requests the parser must refuse, and the error each gets. Includes the request-smuggling
/// shapes from RFC 9112 §11.2 and the PortSwigger catalogue.
let invalidCases: [ParserCase] = [
    // Request line.
    refuses("lowercase-free garbage method", "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", .invalidMethod),
    refuses("empty method", " / HTTP/1.1\r\nHost: h\r\n\r\n", .invalidMethod),
    refuses("two spaces after the method", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", .invalidRequestLine),
    refuses("two spaces after the target", "GET /  HTTP/1.1\r\nHost: h\r\n\r\n", .invalidVersion),
    refuses("tab as separator", "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n", .invalidMethod),
    refuses("missing version", "GET /\r\nHost: h\r\n\r\n", .invalidRequestLine),
    refuses("HTTP/0.9 style line", "GET\r\n\r\n", .invalidMethod),
    refuses("control character in target", "GET /a\u{1}b HTTP/1.1\r\nHost: h\r\n\r\n", .invalidRequestTarget),
    refuses("DEL in target", "GET /a\u{7F}b HTTP/1.1\r\nHost: h\r\n\r\n", .invalidRequestTarget),
    refuses("raw non-ASCII in target", "GET /caf\u{E9} HTTP/1.1\r\nHost: h\r\n\r\n", .invalidRequestTarget),
    refuses("asterisk for GET", "GET * HTTP/1.1\r\nHost: h\r\n\r\n", .invalidRequestTarget),
    refuses("relative target", "GET a/b HTTP/1.1\r\nHost: h\r\n\r\n", .invalidRequestTarget),
    refuses("authority-form target", "CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n", .invalidRequestTarget),
    refuses("lowercase version", "GET / http/1.1\r\nHost: h\r\n\r\n", .invalidVersion),
    refuses("two-digit minor version", "GET / HTTP/1.10\r\nHost: h\r\n\r\n", .invalidVersion),
    refuses("HTTP/1.2", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", .unsupportedVersion(major: 1, minor: 2)),
    refuses("HTTP/0.9 version", "GET / HTTP/0.9\r\nHost: h\r\n\r\n", .unsupportedVersion(major: 0, minor: 9)),
    refuses(
        "HTTP/2 prior-knowledge preface is 505", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        .unsupportedVersion(major: 2, minor: 0)),
    refuses("too many empty lines", "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", .tooManyEmptyLines),
    // Line ends.
    refuses("bare LF ends the request line", "GET / HTTP/1.1\nHost: h\r\n\r\n", .bareLineFeed),
    refuses("bare LF ends a header", "GET / HTTP/1.1\r\nHost: h\n\r\n", .bareLineFeed),
    refuses("bare LF as the empty line", "GET / HTTP/1.1\r\nHost: h\r\n\n", .bareLineFeed),
    refuses("bare LF before the request line", "\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", .bareLineFeed),
    refuses("bare CR in the request line", "GET /\r HTTP/1.1\r\nHost: h\r\n\r\n", .bareCarriageReturn),
    refuses("bare CR in the method", "GE\rT / HTTP/1.1\r\nHost: h\r\n\r\n", .bareCarriageReturn),
    refuses("bare CR in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", .bareCarriageReturn),
    refuses("bare CR in a name", "GET / HTTP/1.1\r\nHost: h\r\nX\rY: a\r\n\r\n", .bareCarriageReturn),
    refuses("CR CR LF", "GET / HTTP/1.1\r\nHost: h\r\r\n\r\n", .bareCarriageReturn),
    // Header fields.
    refuses("space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", .whitespaceBeforeColon),
    refuses(
        "space before colon in Transfer-Encoding",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n", .whitespaceBeforeColon),
    refuses(
        "tab before Transfer-Encoding is obs-fold",
        "POST / HTTP/1.1\r\nHost: h\r\n\tTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .obsoleteLineFolding),
    refuses(
        "obs-fold into Transfer-Encoding",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", .obsoleteLineFolding),
    refuses("whitespace before the first header", "GET / HTTP/1.1\r\n Host: h\r\n\r\n", .obsoleteLineFolding),
    refuses("header without colon", "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", .invalidHeaderName),
    refuses("empty header name", "GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", .invalidHeaderName),
    refuses(
        "NUL in a value", Array("GET / HTTP/1.1\r\nHost: h\r\nX: a".utf8) + [0] + Array("b\r\n\r\n".utf8),
        .invalidHeaderValue(name: "X")),
    refuses(
        "NUL in a name", Array("GET / HTTP/1.1\r\nHost: h\r\nX".utf8) + [0] + Array(": b\r\n\r\n".utf8),
        .invalidHeaderName),
    refuses(
        "NUL in the target", Array("GET /".utf8) + [0] + Array(" HTTP/1.1\r\nHost: h\r\n\r\n".utf8),
        .invalidRequestTarget),
    refuses("missing Host in HTTP/1.1", "GET / HTTP/1.1\r\nX: y\r\n\r\n", .missingHost),
    refuses("two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", .multipleHosts),
    refuses("space inside Host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", .invalidHost),
    refuses("slash in Host", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", .invalidHost),
    refuses("userinfo in Host", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", .invalidHost),
    refuses("non-ASCII Host", "GET / HTTP/1.1\r\nHost: caf\u{E9}\r\n\r\n", .invalidHost),
    // Framing and smuggling.
    refuses(
        "Content-Length with Transfer-Encoding",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        .contentLengthWithTransferEncoding),
    refuses(
        "Transfer-Encoding with Content-Length",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n",
        .contentLengthWithTransferEncoding),
    refuses(
        "two different Content-Lengths",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        .multipleContentLengths),
    refuses(
        "two identical Content-Lengths",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na",
        .multipleContentLengths),
    refuses(
        "Content-Length list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\nhello",
        .multipleContentLengths),
    refuses(
        "Content-Length +5", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\nhello", .invalidContentLength),
    refuses("Content-Length -1", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
    refuses(
        "Content-Length 5 5", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5 5\r\n\r\nhello", .invalidContentLength),
    refuses(
        "Content-Length hex", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x5\r\n\r\nhello", .invalidContentLength),
    refuses("empty Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", .invalidContentLength),
    refuses(
        "Content-Length overflowing Int",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9223372036854775808\r\n\r\n", .invalidContentLength),
    refuses(
        "Content-Length far beyond Int",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999999\r\n\r\n", .invalidContentLength),
    refuses(
        "chunked, gzip", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
        .chunkedNotFinal),
    refuses(
        "chunked twice",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
        .chunkedNotFinal),
    refuses("empty Transfer-Encoding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n\r\n", .chunkedNotFinal),
    refuses(
        "gzip, chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        .unsupportedTransferCoding("gzip")),
    refuses(
        "identity", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n",
        .unsupportedTransferCoding("identity")),
    refuses(
        "chunked with a parameter is another coding",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked;x=1\r\n\r\n",
        .unsupportedTransferCoding("chunked;x=1")),
    refuses(
        "Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        .transferEncodingInHTTP10),
]

/// The head every chunked error case below shares.
let chunkedHead = head(.post, "/", ["Host": "h", "Transfer-Encoding": "chunked"], body: .chunked)
let chunkedPrefix = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"

let invalidChunkedCases: [ParserCase] = [
    refuses(
        "chunk size with garbage", chunkedPrefix + "5x\r\nhello\r\n0\r\n\r\n", .invalidChunkSize, after: chunkedHead),
    refuses("negative chunk size", chunkedPrefix + "-5\r\nhello\r\n0\r\n\r\n", .invalidChunkSize, after: chunkedHead),
    refuses("empty chunk size", chunkedPrefix + "\r\nhello\r\n0\r\n\r\n", .invalidChunkSize, after: chunkedHead),
    refuses("chunk size 0x prefix", chunkedPrefix + "0x5\r\nhello\r\n0\r\n\r\n", .invalidChunkSize, after: chunkedHead),
    refuses(
        "space before chunk size", chunkedPrefix + " 5\r\nhello\r\n0\r\n\r\n", .invalidChunkSize, after: chunkedHead),
    refuses(
        "trailing space without extension", chunkedPrefix + "5 \r\nhello\r\n", .invalidChunkSize, after: chunkedHead),
    refuses(
        "chunk size overflowing Int", chunkedPrefix + "10000000000000000\r\n", .invalidChunkSize, after: chunkedHead),
    refuses(
        "chunk size with 100 leading digits overflowing", chunkedPrefix + String(repeating: "f", count: 100) + "\r\n",
        .invalidChunkSize, after: chunkedHead),
    refuses(
        "chunk size beyond the body limit", chunkedPrefix + "7fffffffffffffff\r\n", .bodyTooLarge(limit: 8 << 20),
        after: chunkedHead),
    refuses(
        "chunk data longer than its size", chunkedPrefix + "3\r\nhello\r\n0\r\n\r\n", .missingChunkTerminator,
        after: chunkedHead),
    refuses("chunk data followed by bare CR", chunkedPrefix + "3\r\nabc\rx", .bareCarriageReturn, after: chunkedHead),
    refuses("chunk size line with bare LF", chunkedPrefix + "3\nabc\r\n", .bareLineFeed, after: chunkedHead),
    refuses(
        "control character in a chunk extension", chunkedPrefix + "3;a=\u{1}\r\nabc\r\n", .invalidChunkSize,
        after: chunkedHead),
    // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ), names and
    // unquoted values tokens (RFC 9112 §7.1.1); found by the differential check against h11.
    refuses("chunk extension with no name", chunkedPrefix + "5;\r\nhello\r\n", .invalidChunkSize, after: chunkedHead),
    refuses(
        "chunk extension BWS and no name", chunkedPrefix + "5 ;\r\nhello\r\n", .invalidChunkSize, after: chunkedHead),
    refuses("two semicolons", chunkedPrefix + "5;;\r\nhello\r\n", .invalidChunkSize, after: chunkedHead),
    refuses(
        "chunk extension value with no name", chunkedPrefix + "5;=x\r\nhello\r\n", .invalidChunkSize, after: chunkedHead
    ),
    refuses(
        "chunk extension with an empty value", chunkedPrefix + "5;a=\r\nhello\r\n", .invalidChunkSize,
        after: chunkedHead),
    refuses(
        "chunk extension name with a space", chunkedPrefix + "5;a b\r\nhello\r\n", .invalidChunkSize, after: chunkedHead
    ),
    refuses(
        "unquoted chunk extension value with a space", chunkedPrefix + "5;a=b c\r\nhello\r\n", .invalidChunkSize,
        after: chunkedHead),
    refuses(
        "unterminated quoted chunk extension value", chunkedPrefix + "5;a=\"open\r\nhello\r\n", .invalidChunkSize,
        after: chunkedHead),
    refuses(
        "trailing semicolon after a chunk extension", chunkedPrefix + "5;a=b;\r\nhello\r\n", .invalidChunkSize,
        after: chunkedHead),
    refuses(
        "non-ASCII chunk extension name", chunkedPrefix + "5;\u{80}\r\nhello\r\n", .invalidChunkSize, after: chunkedHead
    ),
    refuses(
        "bare CR in a chunk extension", chunkedPrefix + "3;a\rb\r\nabc\r\n", .bareCarriageReturn, after: chunkedHead),
    refuses(
        "obs-fold in trailers", chunkedPrefix + "0\r\nX: a\r\n b\r\n\r\n", .obsoleteLineFolding, after: chunkedHead),
    refuses("bad trailer name", chunkedPrefix + "0\r\nX Y: a\r\n\r\n", .whitespaceBeforeColon, after: chunkedHead),
    refuses("bare LF ending trailers", chunkedPrefix + "0\r\n\n", .bareLineFeed, after: chunkedHead),
]

let allCases = validCases + invalidCases + invalidChunkedCases

@Suite("RequestParser")
struct RequestParserTests {
    @Test("events are the same whole, split at every offset, byte by byte and in random pieces", arguments: allCases)
    func producesTheSameEventsHoweverSplit(_ testCase: ParserCase) {
        for (how, chunks) in splits(of: testCase.bytes) {
            let events = parse(chunks, limits: testCase.limits)
            #expect(events == testCase.events, "\(how)")
        }
    }

    /// The common names and values are kept as the literals, but only when the bytes are exactly theirs:
    /// any other spelling (another case, one letter off, a prefix) is kept as sent, byte for byte.
    @Test("common fields come out exactly as sent, whatever their case")
    func commonFieldsComeOutAsSent() throws {
        let fields: [(String, String)] = [
            ("Host", "h"), ("content-type", "Application/JSON"), ("Content-Type", "application/json"),
            ("Content-Typf", "application/jsoN"), ("Accept-Encodinf", "x"), ("Accept-Encoding", "gzip"),
            ("ACCEPT", "keep-alive"), ("User-Agent", "keep-alivE"), ("Connection", "keep-alive"),
            ("connection", "Keep-Alive"), ("X-Host", "Content-Length"), ("Content-Length", "2"),
        ]
        let raw = "POST / HTTP/1.1\r\n" + fields.map { "\($0): \($1)\r\n" }.joined() + "\r\n{}"
        let events = parse([ArraySlice(Array(raw.utf8))])
        guard case .request(let request, _) = try #require(events.last) else {
            Issue.record("no request: \(events)")
            return
        }
        #expect(request.headers.fields.map(\.name) == fields.map(\.0))
        #expect(request.headers.fields.map(\.value) == fields.map(\.1))
    }

    @Test("all valid requests concatenated come out in order (pipelining)")
    func parsesPipelinedRequestsInOrder() {
        let bytes = validCases.flatMap(\.bytes)
        let expected = validCases.flatMap(\.events)
        for (how, chunks) in splits(of: bytes, seed: 7) {
            #expect(parse(chunks) == expected, "\(how)")
        }
    }

    @Test("an error is terminal: nothing comes after it, and later bytes are dropped")
    func stopsAfterAnError() {
        var parser = RequestParser()
        parser.append(Array("GET / HTTP/1.1\r\nHost : h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(parser.next() == .error(.whitespaceBeforeColon))
        #expect(parser.next() == nil)
        parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(parser.next() == nil)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test("bytes after a complete request stay buffered, and idleness tracks them")
    func keepsPipelinedBytesAndReportsIdleness() {
        var parser = RequestParser()
        #expect(parser.isIdle)
        let first = Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi".utf8)
        let second = Array("GET /b HTTP/1.1\r\n".utf8)
        parser.append(first + second)
        #expect(!parser.isIdle)
        guard case .head(let h) = parser.next() else {
            Issue.record("expected a head")
            return
        }
        #expect(h.body == .length(2))
        guard case .request(let r, keepAlive: true) = parser.next() else {
            Issue.record("expected a request")
            return
        }
        #expect(r.body == Array("hi".utf8))
        #expect(parser.next() == nil)
        #expect(parser.bufferedByteCount == second.count)
        #expect(!parser.isIdle)
        parser.append(Array("Host: h\r\n\r\n".utf8))
        #expect(parser.next() == .head(head(.get, "/b", ["Host": "h"])))
        #expect(parser.next() == request(head(.get, "/b", ["Host": "h"])))
        #expect(parser.isIdle)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test("a large body is received in place, in pieces, mixed with appends, and what follows it stays buffered")
    func receivesALargeBodyInPlace() {
        var parser = RequestParser()
        let length = RequestParser.inPlaceBodyMinimum + 1000
        let body = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let next = Array("GET /b HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
        // Not inside a body: the bytes must come through `append`.
        #expect(
            parser.receiveBody { _ in
                Issue.record("asked to receive outside a body"); return 0
            } == nil)
        parser.append(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(length)\r\n\r\n".utf8))
        guard case .head = parser.next() else {
            Issue.record("expected a head")
            return
        }
        var sent = 0
        // recv's answers: a piece, nothing yet (EAGAIN), a piece, then the rest through `append` along
        // with the next request's bytes.
        for piece in [40_000, -1, 20_000] {
            let result = parser.receiveBody { space in
                #expect(space.count == length - sent)
                guard piece > 0 else { return piece }
                space.copyBytes(from: body[sent..<sent + piece])
                return piece
            }
            #expect(result?.requested == length - sent)
            #expect(result?.received == piece)
            if piece > 0 { sent += piece }
            #expect(parser.next() == nil)
        }
        parser.append(Array(body[sent...]) + next)
        guard case .request(let received, keepAlive: true) = parser.next() else {
            Issue.record("expected the request")
            return
        }
        #expect(received.body == body)
        #expect(parser.bufferedByteCount == next.count)
        #expect(parser.next() == .head(head(.get, "/b", ["Host": "h"])))
        #expect(parser.next() == request(head(.get, "/b", ["Host": "h"])))
        #expect(parser.isIdle)
    }

    @Test("a large body whose first bytes came with the head is received in place from then on")
    func receivesTheRestOfALargeBodyInPlace() {
        var parser = RequestParser()
        let length = RequestParser.inPlaceBodyMinimum
        let body = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }
        // One read carried the head and the body's first 1000 bytes, as a client's single write does.
        parser.append(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(length)\r\n\r\n".utf8) + body[..<1000])
        guard case .head = parser.next() else {
            Issue.record("expected a head")
            return
        }
        #expect(parser.next() == nil)
        let result = parser.receiveBody { space in
            #expect(space.count == length - 1000)
            space.copyBytes(from: body[1000...])
            return length - 1000
        }
        #expect(result?.received == length - 1000)
        guard case .request(let received, keepAlive: true) = parser.next() else {
            Issue.record("expected the request")
            return
        }
        #expect(received.body == body)
        #expect(parser.isIdle)
    }

    @Test("the bytes a large body still misses are known from its head to its last byte, and only then")
    func largeBodyBytesMissing() {
        var parser = RequestParser()
        let length = RequestParser.inPlaceBodyMinimum + 500
        #expect(parser.largeBodyBytesMissing == nil)
        parser.append(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(length)\r\n\r\n".utf8))
        // The head is buffered, not yet handed out: nothing to wait for in the body.
        #expect(parser.largeBodyBytesMissing == nil)
        guard case .head = parser.next() else {
            Issue.record("expected a head")
            return
        }
        #expect(parser.largeBodyBytesMissing == length)
        parser.append([UInt8](repeating: 1, count: 1000))
        #expect(parser.largeBodyBytesMissing == length - 1000)
        _ = parser.receiveBody { space in
            space.copyBytes(from: [UInt8](repeating: 2, count: 30_000))
            return 30_000
        }
        #expect(parser.largeBodyBytesMissing == length - 31_000)
        // The rest and a next request's first bytes in one read: the body is complete.
        parser.append([UInt8](repeating: 3, count: length - 31_000) + Array("GET / HT".utf8))
        #expect(parser.largeBodyBytesMissing == nil)
        guard case .request = parser.next() else {
            Issue.record("expected the request")
            return
        }
        #expect(parser.largeBodyBytesMissing == nil)

        // A small body: nil throughout.
        var small = RequestParser()
        small.append(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n".utf8))
        _ = small.next()
        #expect(small.largeBodyBytesMissing == nil)
    }

    @Test("a body below the in-place minimum comes through append")
    func smallBodiesAreNotReceivedInPlace() {
        var parser = RequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n".utf8))
        _ = parser.next()
        #expect(parser.receiveBody { _ in 0 } == nil)
        parser.append(Array("ab".utf8))
        #expect(parser.next() == nil)
        #expect(parser.receiveBody { _ in 0 } == nil)
        parser.append(Array("cde".utf8))
        guard case .request(let received, keepAlive: true) = parser.next() else {
            Issue.record("expected the request")
            return
        }
        #expect(received.body == Array("abcde".utf8))
    }

    @Test("the head arrives before the body, so the server can send 100 Continue")
    func emitsTheHeadBeforeTheBodyArrives() {
        var parser = RequestParser()
        parser.append(Array("PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n".utf8))
        guard case .head(let h) = parser.next() else {
            Issue.record("expected a head")
            return
        }
        #expect(h.expectsContinue)
        #expect(parser.next() == nil)
        #expect(!parser.isIdle)
        parser.append(Array("abc".utf8))
        guard case .request(let r, _) = parser.next() else {
            Issue.record("expected a request")
            return
        }
        #expect(r.body == Array("abc".utf8))
    }

    @Test("every error maps to 400, 413, 431, 501 or 505 and has a detail")
    func mapsEachErrorToItsStatus() {
        let errors = (invalidCases + invalidChunkedCases).compactMap { c -> ParseError? in
            if case .error(let e) = c.events.last { return e }
            return nil
        }
        for error in errors {
            #expect([400, 413, 431, 501, 505].contains(error.status.code))
            #expect(!error.detail.isEmpty)
        }
        #expect(
            ParseError.contentLengthWithTransferEncoding.detail == "Content-Length and Transfer-Encoding both present")
        #expect(ParseError.headersTooLarge(limit: 1).status == .requestHeaderFieldsTooLarge)
        #expect(ParseError.bodyTooLarge(limit: 1).status == .contentTooLarge)
        #expect(ParseError.unsupportedTransferCoding("gzip").status == .notImplemented)
        #expect(ParseError.unsupportedVersion(major: 2, minor: 0).status == .httpVersionNotSupported)
        #expect(ParseError.missingHost.status == .badRequest)
    }
}
