// libFuzzer target for RequestParser. Compiled by run.sh together with
// Sources/HTTPServer/Messages/*.swift and Sources/HTTPServer/Parsing/*.swift into one module,
// so the parser's package API is visible without `import HTTPServer`.
//
// Input layout: byte 0 is a split seed (see `pieces`); the rest is the byte stream. Invariants,
// each a crash (so libFuzzer keeps the input) when broken:
// 1. The same stream fed whole and fed in pieces yields the same events.
// 2. Events are well formed: every `.request` directly follows its `.head` with the same fields;
//    an `.error` is the last event; nothing is produced after it.
// 3. No body exceeds maxBodySize, and a body matches its framing (Content-Length, or none).
// 4. A parsed request, serialised again, parses to the same request and keep-alive.

import HTTPTypes

/// Small limits, so the fuzzer reaches 413 and 431 with short inputs.
let fuzzLimits = ParserLimits(maxHeaderSize: 1024, maxBodySize: 512)

/// All events for `chunks`, draining after each append as a connection does.
func events(_ chunks: [ArraySlice<UInt8>], limits: ParserLimits) -> [ParseEvent] {
    var parser = RequestParser(limits: limits)
    var out: [ParseEvent] = []
    for chunk in chunks {
        parser.append(chunk)
        while let event = parser.next() { out.append(event) }
    }
    // Nothing more may come out without more bytes.
    if parser.next() != nil { fatalError("next() produced an event twice without new bytes") }
    return out
}

/// Splits `data` into pieces whose lengths come from a generator seeded by `seed`, so the fuzzer
/// controls the split points with one byte and mutating it explores other splits of the same stream.
func pieces(_ data: ArraySlice<UInt8>, seed: UInt8) -> [ArraySlice<UInt8>] {
    var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
    var out: [ArraySlice<UInt8>] = []
    var i = data.startIndex
    while i < data.endIndex {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        // Mostly short pieces (0-15 bytes, empty ones included), sometimes long ones.
        let n = state & 0x30 == 0 ? Int(state >> 40) % 300 : Int(state >> 40) % 16
        let end = min(data.endIndex, i + n)
        out.append(data[i..<end])
        i = end
    }
    return out
}

/// The request as bytes on the wire, in a canonical form: `name: value` fields, and a body framed
/// as the parsed head said (Content-Length bodies as they are, chunked ones as one chunk).
func serialize(_ request: Request) -> [UInt8] {
    var out = Array("\(request.method) \(request.target) \(request.version)\r\n".utf8)
    var chunked = false
    for (name, value) in request.headers {
        out += Array("\(name): \(value)\r\n".utf8)
        if Headers.equal(name, "transfer-encoding") { chunked = true }
    }
    out += Array("\r\n".utf8)
    if chunked {
        if !request.body.isEmpty {
            out += Array("\(String(request.body.count, radix: 16))\r\n".utf8) + request.body + Array("\r\n".utf8)
        }
        out += Array("0\r\n\r\n".utf8)
    } else {
        out += request.body
    }
    return out
}

func check(_ events: [ParseEvent], limits: ParserLimits) {
    var pendingHead: RequestHead?
    for (index, event) in events.enumerated() {
        switch event {
        case .head(let head):
            guard pendingHead == nil else { fatalError("two heads without a request") }
            if case .length(let n) = head.body, n > limits.maxBodySize { fatalError("declared body over the limit") }
            pendingHead = head
        case .request(let request, let keepAlive):
            guard let head = pendingHead else { fatalError("request without head") }
            guard
                head.method == request.method, head.target == request.target, head.version == request.version,
                head.headers == request.headers, head.keepAlive == keepAlive
            else { fatalError("request differs from its head") }
            if request.body.count > limits.maxBodySize { fatalError("body over the limit") }
            if case .length(let n) = head.body, n != request.body.count { fatalError("body length != Content-Length") }
            if case .none = head.body, !request.body.isEmpty { fatalError("body without framing") }
            pendingHead = nil
            roundTrip(request, keepAlive: keepAlive, head: head)
        case .error:
            if index != events.count - 1 { fatalError("events after an error") }
        }
    }
}

/// Invariant 4: serialise and parse again; the result must be the same request.
func roundTrip(_ request: Request, keepAlive: Bool, head: RequestHead) {
    let bytes = serialize(request)
    // Canonical spacing can lengthen the head; the limit is not what is being tested here.
    let limits = ParserLimits(maxHeaderSize: bytes.count + 1, maxBodySize: fuzzLimits.maxBodySize)
    let again = events([bytes[...]], limits: limits)
    guard again.count == 2, case .head(let head2) = again[0], case .request(let request2, let keepAlive2) = again[1]
    else { fatalError("re-serialised request did not parse: \(again)") }
    guard request2 == request, keepAlive2 == keepAlive, head2 == head else {
        fatalError("re-serialised request parsed differently")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestParser(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: start, count: count))
    let data = input[1...]
    let whole = events([data], limits: fuzzLimits)
    check(whole, limits: fuzzLimits)
    let split = events(pieces(data, seed: input[0]), limits: fuzzLimits)
    if split != whole { fatalError("whole and split inputs gave different events") }
    let byteByByte = events(data.indices.map { data[$0..<($0 + 1)] }, limits: fuzzLimits)
    if byteByByte != whole { fatalError("whole and byte-by-byte inputs gave different events") }
    return 0
}
