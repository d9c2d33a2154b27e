import HTTPTypes
import TestSupport
import Testing

@testable import HTTPServer

/// One parser test: raw bytes and the events they must produce, however they are split.
struct ParserCase: CustomTestStringConvertible, Sendable {
    var name: String
    var bytes: [UInt8]
    var events: [ParseEvent]
    var limits = ParserLimits()

    var testDescription: String { name }

    /// Whether the case ends in a complete request (so it can be pipelined with others).
    var isValid: Bool {
        if case .request = events.last { return true }
        return false
    }
}

/// `Request` with the fields of `head` and `body`, as the parser builds it.
func request(_ head: RequestHead, body: String = "") -> ParseEvent {
    .request(
        Request(
            method: head.method, target: head.target, version: head.version, headers: head.headers,
            body: Array(body.utf8)),
        keepAlive: head.keepAlive)
}

/// A valid request: its head, then the request with `body`.
func accepts(_ name: String, _ raw: String, _ head: RequestHead, body: String = "") -> ParserCase {
    ParserCase(name: name, bytes: Array(raw.utf8), events: [.head(head), request(head, body: body)])
}

/// An invalid request: `error`, preceded by `head` when the error is in the body.
func refuses(_ name: String, _ raw: String, _ error: ParseError, after head: RequestHead? = nil) -> ParserCase {
    refuses(name, Array(raw.utf8), error, after: head)
}

func refuses(_ name: String, _ raw: [UInt8], _ error: ParseError, after head: RequestHead? = nil) -> ParserCase {
    ParserCase(name: name, bytes: raw, events: (head.map { [ParseEvent.head($0)] } ?? []) + [.error(error)])
}

/// Feeds `chunks` in order, draining events after each, as a connection would.
func parse(_ chunks: [ArraySlice<UInt8>], limits: ParserLimits = ParserLimits()) -> [ParseEvent] {
    var parser = RequestParser(limits: limits)
    var events: [ParseEvent] = []
    for chunk in chunks {
        parser.append(chunk)
        while let event = parser.next() { events.append(event) }
    }
    return events
}

/// `bytes` as a slice of a larger array, so `startIndex` is not 0 and bytes on either side
/// would show up if the parser read outside the slice (NIO's verifier pads with BEFORE/AFTER).
func padded(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    let storage = Array("BEFORE".utf8) + bytes + Array("AFTER".utf8)
    return storage[6..<(6 + bytes.count)]
}

/// Every way the verifier splits `bytes`: whole, at each offset, byte by byte (padded), and in
/// seeded random pieces. Each element is one feeding of the whole input.
func splits(of bytes: [UInt8], seed: UInt64 = 42) -> [(String, [ArraySlice<UInt8>])] {
    var out: [(String, [ArraySlice<UInt8>])] = [("whole", [padded(bytes[...])])]
    for k in 1..<max(bytes.count, 1) {
        out.append(("split at \(k)", [padded(bytes[..<k]), padded(bytes[k...])]))
    }
    out.append(("byte by byte", bytes.indices.map { padded(bytes[$0..<($0 + 1)]) }))
    var rng = SplitMix64(state: seed)
    for round in 0..<16 {
        var pieces: [ArraySlice<UInt8>] = []
        var i = 0
        while i < bytes.count {
            let n = Int.random(in: 0...min(bytes.count - i, 40), using: &rng)
            pieces.append(padded(bytes[i..<(i + n)]))
            i += n
        }
        out.append(("random split \(round)", pieces))
    }
    return out
}

/// Builds a RequestHead tersely for the tables.
func head(
    _ method: HTTPRequest.Method, _ target: String, _ version: Version, _ headers: Headers,
    body: BodyFraming = .none, expectsContinue: Bool = false, keepAlive: Bool? = nil
) -> RequestHead {
    RequestHead(
        method: method, target: target, version: version, headers: headers, body: body,
        expectsContinue: expectsContinue, keepAlive: keepAlive ?? (version == .http1_1))
}

func head(
    _ method: HTTPRequest.Method, _ target: String, _ headers: Headers,
    body: BodyFraming = .none, expectsContinue: Bool = false, keepAlive: Bool? = nil
) -> RequestHead {
    head(method, target, .http1_1, headers, body: body, expectsContinue: expectsContinue, keepAlive: keepAlive)
}

func head(_ headers: Headers, keepAlive: Bool? = nil) -> RequestHead {
    head(.get, "/", .http1_1, headers, keepAlive: keepAlive)
}
