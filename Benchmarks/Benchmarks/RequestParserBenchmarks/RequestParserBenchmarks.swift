import Benchmark
import HTTPServer
import HTTPTypes

/// The request curl 8.5.0 sends for `curl -d @small.json -H 'Content-Type: application/json'
/// http://127.0.0.1:8080/softmax`: 137 bytes of head and the bench's 68-byte `small` payload, 205 in all.
let smallBody = Array(#"{"logits":[0.49671415,-0.1382643,0.64768854,1.52302986,-0.23415337]}"#.utf8)
let smallRequest = request(body: smallBody)

func request(body: [UInt8]) -> [UInt8] {
    let head =
        "POST /softmax HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n"
        + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
    return Array(head.utf8) + body
}

/// SplitMix64 → `count` numbers in [−10, 10) with 17 significant digits, written as JSON: the bytes of a
/// `large` body, whose content the parser never looks at (only its length matters).
func largeBody(count: Int) -> [UInt8] {
    var state: UInt64 = 11
    var text = #"{"logits":["#
    for i in 0..<count {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        if i > 0 { text += "," }
        text += "\(Double(z >> 11) * 0x1p-53 * 20 - 10)"
    }
    return Array((text + "]}").utf8)
}

/// Feeds `pieces` to `parser` one at a time, draining events after each as `Connection` does after a read,
/// and returns the number of complete requests. Anything but heads and requests is a bug in the setup,
/// not a figure to report, so it stops the run.
@inline(__always)
func feed(_ parser: inout RequestParser, _ pieces: [ArraySlice<UInt8>]) -> Int {
    var requests = 0
    for piece in pieces {
        parser.append(piece)
        while let event = parser.next() {
            switch event {
            case .head(let head): blackHole(head)
            case .request(let request, _):
                blackHole(request)
                requests += 1
            case .error(let error): fatalError("the benchmark's request was refused: \(error)")
            }
        }
    }
    return requests
}

/// One parser kept across iterations, as on a keep-alive connection: each iteration parses `pieces` to the
/// end of its `expected` requests and leaves the parser idle, so the buffer's capacity is reused.
func parserBenchmark(_ name: String, pieces: [ArraySlice<UInt8>], expected: Int, configuration: Benchmark.Configuration)
{
    Benchmark(name, configuration: configuration) { benchmark in
        var parser = RequestParser()
        for _ in benchmark.scaledIterations {
            let requests = feed(&parser, pieces)
            precondition(requests == expected && parser.isIdle, "the parser did not finish the benchmark's input")
        }
    }
}

/// The header fields of `smallRequest` as the parser finds them: name and value bytes.
let smallFields: [([UInt8], [UInt8])] = [
    ("Host", "127.0.0.1:8080"), ("User-Agent", "curl/8.5.0"), ("Accept", "*/*"), ("Content-Type", "application/json"),
    ("Content-Length", "68"),
].map { (Array($0.0.utf8), Array($0.1.utf8)) }

/// The fields built as the parser builds them, then read as the service reads them on every request
/// (Content-Type; Content-Encoding and Accept-Encoding, scanning all fields): into the parser's `Headers`.
@inline(never)
func fieldsIntoHeaders() -> Int {
    var headers = Headers()
    headers.reserveCapacity(12)
    for (name, value) in smallFields {
        headers.add(
            name.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) },
            value.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) })
    }
    var found = headers[.contentType]?.utf8.count ?? 0
    for field in headers {
        if Headers.equal(field.name, "Content-Encoding") || Headers.equal(field.name, "Accept-Encoding") { found += 1 }
    }
    return found
}

/// As `fieldsIntoHeaders`, into swift-http-types' `HTTPFields` (names validated and lowercased again).
@inline(never)
func fieldsIntoHTTPFields() -> Int {
    var headers = HTTPFields()
    headers.reserveCapacity(12)
    for (name, value) in smallFields {
        let name = name.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
        let value = value.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
        headers.append(HTTPField(name: HTTPField.Name(name)!, value: value))
    }
    var found = headers[.contentType]?.utf8.count ?? 0
    for field in headers where field.name == .contentEncoding || field.name == .acceptEncoding { found += 1 }
    return found
}

let benchmarks: @Sendable () -> Void = {
    let small = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 2000
    )
    let large = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 2000
    )
    precondition(smallRequest.count == 205)

    parserBenchmark("parse 205 B POST, whole", pieces: [smallRequest[...]], expected: 1, configuration: small)

    // Cuts inside the User-Agent value and inside the name `Content-Length`: the first two pieces end
    // mid-line, the third holds the rest of the head and the whole body.
    let cuts = [0, 60, 125, smallRequest.count]
    let thirds = (0..<3).map { smallRequest[cuts[$0]..<cuts[$0 + 1]] }
    parserBenchmark("parse 205 B POST, 3 pieces", pieces: thirds, expected: 1, configuration: small)

    let pipelined = Array([[UInt8]](repeating: smallRequest, count: 16).joined())
    parserBenchmark(
        "parse 16 pipelined POSTs, one buffer", pieces: [pipelined[...]], expected: 16, configuration: small)

    // A 2.5 MB body arrives in 64 KiB reads, `Connection`'s read buffer size.
    let body = largeBody(count: 131_072)
    let bigRequest = request(body: body)
    let reads = stride(from: 0, to: bigRequest.count, by: 64 * 1024).map {
        bigRequest[$0..<min($0 + 64 * 1024, bigRequest.count)]
    }
    parserBenchmark(
        "parse \(body.count / 1000) kB Content-Length body, 64 KiB reads", pieces: reads, expected: 1,
        configuration: large)
    parserBenchmark(
        "parse \(body.count / 1000) kB Content-Length body, whole", pieces: [bigRequest[...]], expected: 1,
        configuration: large)

    // Why the parser keeps its own field list (docs/architecture.md, "Header fields").
    Benchmark("fields: curl's 5 into Headers, 3 lookups", configuration: small) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(fieldsIntoHeaders()) }
    }
    Benchmark("fields: curl's 5 into HTTPFields, 3 lookups", configuration: small) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(fieldsIntoHTTPFields()) }
    }
}
