import JSONCodec
import TestSupport
import Testing

@testable import LogitAPI

/// Classifications write their own JSON (`JSONWritable`); these hold it to the bytes and errors of their
/// `Encodable` conformance, which every other answer goes through.
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
            let written = String(decoding: try encodeJSON(result), as: UTF8.self)
            let encoded = String(decoding: try encodeJSON(ThroughEncodable(value: result)), as: UTF8.self)
            #expect(written == encoded)
        }
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
