// A throwaway benchmark for JSONCodec: compiled together with the module's sources as one module, so it
// can call `package` API without a package of its own. Build and run (release):
//
//     swiftc -O -wmo -parse-as-library -package-name logitd -module-name JSONCodecBench \
//         Sources/JSONCodec/*.swift Benchmarks/JSONCodecBench/main.swift -o /tmp/jsoncodec-bench
//     /tmp/jsoncodec-bench
//
// It decodes and encodes a 131 072-element `{"logits": [...]}` document (values like
// -1.2345678901234567, the service's large softmax case) and encodes its softmax (the answer, 2.9 MB), and
// prints the best of 20 runs of each.
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

@main
enum Bench {
    static func main() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let count = 131_072
        var logits: [Double] = []
        for _ in 0..<count {
            // 17 significant digits in [-10, 10]: the hard case for the fast paths.
            let unit = Double(next() >> 11) / Double(1 << 53)
            logits.append((unit * 20 - 10))
        }
        let body = try encodeJSON(Request(logits: logits))
        print("document: \(body.count) bytes")
        // The service's answer: the softmax of the logits, mostly `d.ddde-XX` and `0.000ddd` spellings.
        let largest = logits.max()!
        let exponentials = logits.map { exp($0 - largest) }
        let total = exponentials.reduce(0, +)
        let answer = Answer(probabilities: exponentials.map { $0 / total })
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
    }
}
