import LogitMath
import LogitModels
import Testing

@testable import InferenceProtocol

/// A small request can ask for a huge answer: k rows of one feature through a 1000-class head are k × 1000
/// numbers per output, and classification K = 1000 of them k × 1000 strings. Both are refused before anything
/// is computed (docs/configuration.md, "Memory per request"); without the bounds a 8 MB binary body asked for
/// 16 GB.
@Suite struct AnswerLimitTests {
    static let wide = Model(
        name: "wide", version: 1, format: .logitd,
        weights: try! Matrix(rows: 1000, columns: 1, elements: (0..<1000).map { Double($0) / 1000 }),
        bias: [Double](repeating: 0, count: 1000), activation: .softmax, file: "wide.json")

    /// k rows of one feature, as binary FP64.
    static func rows(_ k: Int, _ extra: String = "") throws -> InferenceRequest {
        let input =
            #"{"name": "x", "shape": [\#(k), 1], "datatype": "FP64", "#
            + #""parameters": {"binary_data_size": \#(8 * k)}}"#
        let json = #"{"inputs": [\#(input)]\#(extra)}"#
        let blob = (0..<k).flatMap { r in withUnsafeBytes(of: (Double(r % 7) - 3).bitPattern.littleEndian, Array.init) }
        return try InferenceRequest(body: Array(json.utf8) + blob, headerLength: json.utf8.count)
    }

    static func refusal(_ request: InferenceRequest, _ model: Model = wide) -> String? {
        do {
            _ = try model.infer(request)
            return nil
        } catch {
            #expect(error.kind == .badRequest)
            return error.message
        }
    }

    @Test func moreNumbersPerOutputThanTheLimitAreRefused() throws {
        #expect(
            Self.refusal(try Self.rows(4195))
                == "inputs[0]: the result would have 4195000 numbers per output (4195 rows × 1000); at most 4194304")
        #expect(Self.refusal(try Self.rows(3)) == nil)
    }

    @Test func classificationOfManyRowsIsBounded() throws {
        let asked = #", "outputs": [{"name": "probabilities", "parameters": {"classification": 1000}}]"#
        #expect(
            Self.refusal(try Self.rows(263, asked))
                == #"outputs "probabilities": classification 1000 of 263 rows is 263000 strings; at most 262144"#)
        // K = 1 is one string per row: 262 145 rows of them are too many too.
        let one = #", "outputs": [{"name": "logits", "parameters": {"classification": 1}}]"#
        #expect(Self.refusal(try Self.rows(4000, one)) == nil)
        let narrow = Model(
            name: "narrow", version: 1, format: .logitd, weights: try Matrix(rows: [[1], [-1]]), bias: [0, 0],
            activation: .softmax, file: "narrow.json")
        #expect(
            Self.refusal(try Self.rows(262_145, one), narrow)
                == #"outputs "logits": classification 1 of 262145 rows is 262145 strings; at most 262144"#)
        #expect(Self.refusal(try Self.rows(262_145), narrow) == nil)
        // K is counted as the strings it gives: at most the output's width.
        let clamped = #", "outputs": [{"name": "probabilities", "parameters": {"classification": 5000}}]"#
        #expect(Self.refusal(try Self.rows(262, clamped)) == nil)
    }
}
