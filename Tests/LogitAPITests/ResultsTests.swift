import JSONCodec
import LogitMath
import TestSupport
import Testing

@testable import LogitAPI

/// The compute answers (sigmoid, softmax, linear, classifications) write their own JSON
/// (`JSONWritable`); these hold it to the bytes and errors of their `Encodable` conformance, which
/// every other answer goes through.
struct ResultsTests {
    /// Encodes `value` through `Encodable` only: a wrapper that is not `JSONWritable`.
    struct ThroughEncodable<Value: Encodable>: Encodable {
        var value: Value
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }

    static let labels = [
        "setosa", "", "with \"quotes\" and \\ backslash", "tab\tnew\nline\u{1}\u{1F}", "é ü 中文 🙂", "\u{7F}del",
        String(repeating: "\u{0}", count: 100),
    ]

    static func number(_ generator: inout SplitMix64) -> Double {
        switch generator.next() % 6 {
        case 0: 0
        case 1: 1
        case 2: Double(bitPattern: generator.next() % 0x000F_FFFF_FFFF_FFFF + 1)  // subnormal
        case 3: Double.greatestFiniteMagnitude
        default: Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF)  // any finite, either sign
        }
    }

    static func label(_ generator: inout SplitMix64) -> String? {
        let i = Int(generator.next() % UInt64(labels.count + 1))
        return i < labels.count ? labels[i] : nil
    }

    static func top(_ generator: inout SplitMix64) -> TopClass {
        TopClass(
            class: Int(truncatingIfNeeded: generator.next() % 2000) - 2, label: label(&generator),
            probability: number(&generator))
    }

    static func classification(_ generator: inout SplitMix64) -> Classification {
        let count = Int(generator.next() % 5)
        let probabilities = (0..<count).map { _ in number(&generator) }
        if generator.next() % 2 == 0 {
            return .softmax(
                best: top(&generator), probabilities: probabilities,
                top: (0..<Int(generator.next() % 4)).map { _ in top(&generator) })
        }
        let labels = generator.next() % 2 == 0 ? nil : (0..<count).compactMap { _ in label(&generator) }
        return .sigmoid(
            predictions: (0..<count).map { _ in Int(truncatingIfNeeded: generator.next()) },
            probabilities: probabilities,
            labels: labels)
    }

    @Test func writtenBytesAreTheEncodableBytes() throws {
        var generator = SplitMix64(seed: 20_261_203)
        for _ in 0..<2000 {
            let result: ClassifyResult =
                generator.next() % 3 == 0
                ? .batch(
                    ClassifyBatchResponse(
                        results: (0..<Int(generator.next() % 4)).map { _ in Self.classification(&generator) }))
                : .single(Self.classification(&generator))
            let (written, encoded) = try Self.bothWays(result)
            #expect(written == encoded)
        }
    }

    /// A vector (sometimes) or 1–3 rows of 1–5 numbers.
    static func batch(_ generator: inout SplitMix64) throws -> Batch {
        let rows = Int(generator.next() % 3) + 1
        let columns = Int(generator.next() % 5) + 1
        let elements = (0..<rows * columns).map { _ in number(&generator) }
        return Batch(
            try Matrix(rows: rows, columns: columns, elements: elements),
            isVector: rows == 1 && generator.next() % 2 == 0)
    }

    static func optionalBatch(_ generator: inout SplitMix64) throws -> Batch? {
        generator.next() % 2 == 0 ? try batch(&generator) : nil
    }

    /// The bytes of both paths, which must be equal. (The written text must also fit the answer's
    /// `jsonBound`, the room made for it: the writer stops the process beyond it, so the seeded answers,
    /// with the longest numbers, integers and escaped labels, would crash the run.)
    static func bothWays<Answer: JSONWritable>(_ answer: Answer) throws -> (written: String, encoded: String) {
        (
            String(decoding: try encodeJSON(answer), as: UTF8.self),
            String(decoding: try encodeJSON(ThroughEncodable(value: answer)), as: UTF8.self)
        )
    }

    @Test func computeAnswersWriteTheirEncodableBytes() throws {
        var generator = SplitMix64(seed: 20_261_204)
        for _ in 0..<2000 {
            let sigmoid = try Self.bothWays(
                SigmoidResponse(
                    probabilities: try Self.batch(&generator), derivatives: try Self.optionalBatch(&generator)))
            #expect(sigmoid.written == sigmoid.encoded)
            let softmax = try Self.bothWays(
                SoftmaxResponse(
                    probabilities: try Self.batch(&generator), logProbabilities: try Self.optionalBatch(&generator)))
            #expect(softmax.written == softmax.encoded)
            let linear = try Self.bothWays(
                LinearResponse(logits: try Self.batch(&generator), probabilities: try Self.optionalBatch(&generator)))
            #expect(linear.written == linear.encoded)
        }
        let rows = try Self.bothWays(
            SoftmaxResponse(probabilities: Batch(try Matrix(rows: [[0.25, 0.75], [1, 0]]), isVector: false)))
        #expect(rows.written == #"{"probabilities":[[0.25,0.75],[1.0,0.0]]}"#)
        #expect(rows.encoded == rows.written)
    }

    @Test func aLargeAnswerIsWrittenWhole() throws {
        // The `large` load's shape: one row of 131 072, and 3 rows of 40 000 (a bound of megabytes).
        var generator = SplitMix64(seed: 7)
        let vector = (0..<131_072).map { _ in Self.number(&generator) }
        let one = try Self.bothWays(
            SoftmaxResponse(
                probabilities: Batch(try Matrix(rows: 1, columns: vector.count, elements: vector), isVector: true)))
        #expect(one.written == one.encoded)
        let three = try Self.bothWays(
            LinearResponse(
                logits: Batch(
                    try Matrix(rows: 3, columns: 40_000, elements: Array(vector[..<120_000])), isVector: false),
                probabilities: Batch(try Matrix(rows: 1, columns: 8, elements: Array(vector[..<8])), isVector: true)))
        #expect(three.written == three.encoded)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func aNonFiniteNumberInAComputeAnswerIsTheEncodablesError(_ bad: Double) throws {
        let good = Batch(try Matrix(rows: [[0.5, 0.25]]), isVector: false)
        let badRow = Batch(try Matrix(rows: [[0.5, 0.25], [0.125, bad]]), isVector: false)
        let badVector = Batch(try Matrix(rows: 1, columns: 3, elements: [0.5, bad, 1]), isVector: true)
        let answers: [any JSONWritable] = [
            SigmoidResponse(probabilities: badRow, derivatives: nil),
            SigmoidResponse(probabilities: good, derivatives: badVector),
            SoftmaxResponse(probabilities: badVector, logProbabilities: nil),
            SoftmaxResponse(probabilities: good, logProbabilities: badRow),
            LinearResponse(logits: badRow, probabilities: nil),
            LinearResponse(logits: good, probabilities: badVector),
        ]
        for answer in answers {
            let (direct, throughEncodable) = Self.errors(answer)
            #expect(direct != nil && direct == throughEncodable, "\(String(describing: direct))")
        }
    }

    static func errors<Answer: JSONWritable>(_ answer: Answer) -> (JSONEncodingError?, JSONEncodingError?) {
        var direct: JSONEncodingError?
        var throughEncodable: JSONEncodingError?
        do { _ = try encodeJSON(answer) } catch { direct = error }
        do { _ = try encodeJSON(ThroughEncodable(value: answer)) } catch { throughEncodable = error }
        return (direct, throughEncodable)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func aNonFiniteNumberIsTheEncodablesError(_ bad: Double) {
        let best = TopClass(class: 1, label: "b", probability: 0.5)
        let results: [ClassifyResult] = [
            .single(.softmax(best: TopClass(class: 0, label: nil, probability: bad), probabilities: [0.5], top: [])),
            .single(.softmax(best: best, probabilities: [0.25, bad], top: [best])),
            .single(
                .softmax(
                    best: best, probabilities: [0.5], top: [best, TopClass(class: 2, label: nil, probability: bad)])),
            .single(.sigmoid(predictions: [1], probabilities: [bad], labels: ["x"])),
            .batch(
                ClassifyBatchResponse(results: [
                    .sigmoid(predictions: [0], probabilities: [0.1], labels: nil),
                    .sigmoid(predictions: [0], probabilities: [bad], labels: nil),
                ])),
        ]
        for result in results {
            #expect(throws: (any Error).self) { try encodeJSON(result) }
            var direct: JSONEncodingError?
            var throughEncodable: JSONEncodingError?
            do { _ = try encodeJSON(result) } catch { direct = error }
            do { _ = try encodeJSON(ThroughEncodable(value: result)) } catch { throughEncodable = error }
            #expect(direct != nil && direct == throughEncodable, "\(String(describing: direct))")
        }
    }

    @Test func aLabelOfControlCharactersFitsItsBound() throws {
        // Each byte below 0x20 becomes 6 (`\u0001`), the writer's bound per byte.
        let label = String(repeating: "\u{1}", count: 1000)
        let result = ClassifyResult.single(
            .softmax(best: TopClass(class: 0, label: label, probability: 1), probabilities: [1], top: []))
        let text = String(decoding: try encodeJSON(result), as: UTF8.self)
        #expect(
            text == #"{"class":0,"label":""# + String(repeating: #"\u0001"#, count: 1000)
                + #"","probability":1.0,"probabilities":[1.0],"top":[]}"#)
    }
}
