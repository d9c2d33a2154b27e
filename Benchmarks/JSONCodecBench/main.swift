// A throwaway benchmark for JSONCodec: compiled together with the module's sources as one module, so it
// can call `package` and internal API without a package of its own. Build and run (release):
//
//     swiftc -O -wmo -parse-as-library -package-name logitd -module-name JSONCodecBench \
//         Sources/JSONCodec/*.swift Benchmarks/JSONCodecBench/main.swift -o /tmp/jsoncodec-bench
//     /tmp/jsoncodec-bench
//
// It decodes and encodes a 131 072-element `{"logits": [...]}` document (values like
// -1.2345678901234567, the service's large softmax case) and encodes its softmax (the answer, 2.9 MB), and
// prints the best of 20 runs of each. Then the number codec alone, in ns per number, on three sets of
// 131 072 numbers: `large` (the same uniforms, 16–17 significant digits), `short` (the seed example's
// shape, 8 decimals such as -0.1382643) and `answer` (the softmax of `large`, such as 7.0459558397441e-06):
// reading is `Tape(parsing:)` of `[n,n,…]` (the tape walk is a few percent of it), writing is
// `ShortestDouble.write` of each value into one buffer with commas between. Best and median of 31 runs.
// With the environment variable LARGE_PAYLOAD naming run.sh's payloads/large.json, two more sets:
// `payload` (its 131 072 logits) and `payload-answer` (their softmax), the numbers the server reads and
// writes under the `large` load.
// `Benchmarks/codec-reference/run.sh` times the C references on the same numbers.
//
// Modes for instruction counts (`valgrind --tool=cachegrind`), each doing its work 10 times: `read-large`,
// `write-large`, `read-short`, `write-short`, `read-answer`, `write-answer`; `decode`, `encode` and
// `encode-answer` (100 times, as before); and `setup`, to subtract: (Ir(mode) - Ir(setup)) / (10 × 131 072)
// is per number.
#if canImport(Glibc)
    import Glibc
#endif

struct Request: Codable {
    var logits: [Double]
}

struct Answer: Encodable {
    var probabilities: [Double]
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// The number sets, from SplitMix64 as the benchmarks and `codec-reference` make them.
struct NumberSets {
    var large: [Double] = []
    var short: [Double] = []
    /// The softmax of `large`: the service's `large` answer, mostly spelled `d.ddde-06`.
    var answer: [Double] = []

    init(count: Int) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for _ in 0..<count {
            // 17 significant digits in [-10, 10]: the hard case for the fast paths.
            let unit = Double(next() >> 11) / Double(1 << 53)
            large.append(unit * 20 - 10)
        }
        for _ in 0..<count {
            // 8 decimals in (-2, 2), like the seed example's 0.49671415: an exact integer over 10^8, so the
            // value's shortest spelling has those digits.
            let unit = Double(next() >> 11) / Double(1 << 53)
            short.append(Double(Int64(unit * 4e8) - 200_000_000) / 1e8)
        }
        answer = softmax(large)
    }
}

/// The softmax of `values`, computed as `reference.cpp` computes it.
func softmax(_ values: [Double]) -> [Double] {
    let largest = values.max()!
    let exponentials = values.map { exp($0 - largest) }
    let total = exponentials.reduce(0, +)
    return exponentials.map { $0 / total }
}

/// The bytes of the file at `path`.
func contents(of path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { fatalError("cannot open \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let read = fread(&chunk, 1, chunk.count, file)
        if read <= 0 { break }
        bytes += chunk[0..<read]
    }
    return bytes
}

/// Reads every number of `text` (a JSON array) into a tape.
@inline(never)
func readNumbers(_ text: [UInt8]) -> Int {
    let tape = try! Tape(parsing: text, maxDepth: 64)
    return tape.nodes.count
}

/// Writes `values` as `n,n,…` into `buffer`, returning the length, as the encoder writes a `[Double]`.
@inline(never)
func writeNumbers(_ values: [Double], into buffer: UnsafeMutablePointer<UInt8>) -> Int {
    values.withUnsafeBufferPointer { ShortestDouble.write($0, to: buffer) }
}

/// Best and median seconds of `runs` calls of `body`.
func time(runs: Int, _ body: () -> Void) -> (best: Double, median: Double) {
    var times: [Double] = []
    for _ in 0..<runs {
        let t0 = now()
        body()
        times.append(now() - t0)
    }
    times.sort()
    return (times[0], times[runs / 2])
}

@main
enum Bench {
    static func main() throws {
        let count = 131_072
        let sets = NumberSets(count: count)
        let logits = sets.large
        let body = try encodeJSON(Request(logits: logits))
        print("document: \(body.count) bytes")
        // The service's answer: the softmax of the logits, mostly `d.ddde-XX` and `0.000ddd` spellings.
        let answer = Answer(probabilities: sets.answer)
        let answerBytes = try encodeJSON(answer)
        // `decode`, `encode`, `encode-answer` or `setup` as the argument: that, 100 times, for
        // `perf stat -e task-clock`, which counts this process's own CPU time and so is less skewed by other
        // work on a busy machine ((decode - setup) / 100 is the time of one decode).
        let mode = CommandLine.arguments.dropFirst().first
        if mode == "decode" {
            for _ in 0..<100 {
                let decoded = try decodeJSON(Request.self, from: body)
                precondition(decoded.logits.count == count)
            }
            return
        }
        if mode == "encode" {
            let request = Request(logits: logits)
            for _ in 0..<100 {
                let encoded = try encodeJSON(request)
                precondition(encoded.count == body.count)
            }
            return
        }
        var named = [("large", sets.large), ("short", sets.short), ("answer", sets.answer)]
        if let path = getenv("LARGE_PAYLOAD") {
            let payload = try decodeJSON(Request.self, from: contents(of: String(cString: path))).logits
            precondition(payload.count == count, "the payload has \(payload.count) logits, not \(count)")
            named += [("payload", payload), ("payload-answer", softmax(payload))]
        }
        let texts = named.map { name, values in (name, values, try! encodeJSON(values)) }
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: count * (ShortestDouble.maxLength + 1))
        defer { buffer.deallocate() }
        for (name, values, text) in texts {
            if mode == "read-\(name)" {
                for _ in 0..<10 { precondition(readNumbers(text) == count + 1) }
                return
            }
            if mode == "write-\(name)" {
                for _ in 0..<10 { precondition(writeNumbers(values, into: buffer) == text.count - 2) }
                return
            }
        }
        if mode == "setup" { return }
        if mode == "encode-answer" {
            for _ in 0..<100 {
                let encoded = try encodeJSON(answer)
                precondition(encoded.count == answerBytes.count)
            }
            return
        }
        var bestDecode = Double.infinity
        var bestEncode = Double.infinity
        var bestAnswer = Double.infinity
        for _ in 0..<20 {
            let t0 = now()
            let decoded = try decodeJSON(Request.self, from: body)
            let t1 = now()
            let encoded = try encodeJSON(decoded)
            let t2 = now()
            let encodedAnswer = try encodeJSON(answer)
            let t3 = now()
            precondition(decoded.logits == logits && encoded == body && encodedAnswer == answerBytes)
            bestDecode = min(bestDecode, t1 - t0)
            bestEncode = min(bestEncode, t2 - t1)
            bestAnswer = min(bestAnswer, t3 - t2)
        }
        let mb = Double(body.count) / 1e6
        print("decode: \(bestDecode * 1e3) ms (\(mb / bestDecode) MB/s)")
        print("encode: \(bestEncode * 1e3) ms (\(mb / bestEncode) MB/s)")
        print("encode answer (\(answerBytes.count) bytes): \(bestAnswer * 1e3) ms")
        for (name, values, text) in texts {
            precondition(writeNumbers(values, into: buffer) == text.count - 2)
            precondition(
                Array(UnsafeBufferPointer(start: buffer, count: text.count - 2)) == Array(text[1..<text.count - 1]))
            let read = time(runs: 31) { precondition(readNumbers(text) == count + 1) }
            let write = time(runs: 31) { precondition(writeNumbers(values, into: buffer) == text.count - 2) }
            let perNumber = 1e9 / Double(count)
            print(
                "\(name) numbers (\(text.count) bytes): read \(read.best * perNumber) / \(read.median * perNumber) ns, "
                    + "write \(write.best * perNumber) / \(write.median * perNumber) ns (best / median of 31)")
        }
    }
}
