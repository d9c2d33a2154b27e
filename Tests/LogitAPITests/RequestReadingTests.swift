import JSONCodec
import LogitMath
import TestSupport
import Testing

@testable import LogitAPI

/// `/sigmoid`, `/softmax` and `/classify` requests are read straight from the parsed document when they
/// have their common shape (`ComputeRequest.read`), and through `Decodable` otherwise. These send both paths the
/// same documents, valid and not, and hold the direct reader to the `Decodable` path's request, or to
/// its error word for word.
struct RequestReadingTests {
    enum Outcome: Equatable, CustomStringConvertible {
        case request(String)
        case refused(APIError)

        var description: String {
            switch self {
            case .request(let text): text
            case .refused(let error): "refused: \(error)"
            }
        }
    }

    static func describe(_ batch: Batch) -> String {
        "\(batch.matrix.rows)×\(batch.matrix.columns) vector=\(batch.isVector) "
            + batch.matrix.elements.map { String($0.bitPattern, radix: 16) }.joined(separator: ",")
    }

    static func describe(_ request: SoftmaxRequest) -> String {
        "\(describe(request.logits)) t=\(request.temperature.bitPattern) log=\(request.log)"
    }

    static func describe(_ request: SigmoidRequest) -> String {
        "\(describe(request.logits)) derivative=\(request.derivative)"
    }

    static func describe(_ request: ClassifyRequest) -> String {
        let scores =
            switch request.scores {
            case .logits(let logits): "logits \(describe(logits))"
            case .layer(let layer):
                "layer \(layer.weights.elements) \(String(describing: layer.bias)) \(describe(layer.input))"
            case .model(let reference, let input, let resolved):
                "model \(reference.name) \(String(describing: reference.version)) \(describe(input)) \(resolved == nil)"
            }
        let options = request.modelOptions
        return "\(scores) \(request.activation) t=\(request.threshold) k=\(request.topK) "
            + "labels=\(String(describing: request.labels)) given=\(String(describing: options.activation)),"
            + "\(String(describing: options.threshold))"
    }

    /// The request through `Decodable` only, and through the reader first (counting the documents
    /// the reader answered).
    static func bothWays<T: ComputeRequest>(
        _: T.Type, _ text: String, _ describe: (T) -> String, readerAnswered: inout Int
    ) -> (decoded: Outcome, read: Outcome) {
        let bytes = Array(text.utf8)
        let decoded: Outcome
        do throws(APIError) {
            decoded = .request(describe(try JSONWire().decode(T.self, from: bytes)))
        } catch {
            decoded = .refused(error)
        }
        var answered = false
        let read: Outcome
        do throws(APIError) {
            // As ComputeRoutes does it: parsed once, read when the reader answers, else decoded.
            let wire = JSONWire()
            let document = try wire.parse(bytes)
            let request: T
            if let answer = T.read(document.root) {
                answered = true
                request = answer
            } else {
                request = try wire.decode(T.self, document)
            }
            read = .request(describe(request))
        } catch {
            read = .refused(error)
        }
        if answered { readerAnswered += 1 }
        return (decoded, read)
    }

    static let numbers = [
        "0", "-0", "1", "-2.5", "1e-5", "3.0E+2", "0.1", "123456789012345678901",
        "2.2250738585072014e-308", "5e-324", "-7.0459558397441e-06",
    ]

    /// Any finite double, a spelling from `numbers`, or now and then one out of range.
    static func number(_ g: inout SplitMix64) -> String {
        if g.next() % 60 == 0 { return g.next() % 2 == 0 ? "1e400" : "-1e400" }
        return g.next() % 3 == 0
            ? "\(Double(bitPattern: g.next() & 0x7FEF_FFFF_FFFF_FFFF) * (g.next() % 2 == 0 ? 1 : -1))"
            : numbers[Int(g.next() % UInt64(numbers.count))]
    }

    static func row(_ g: inout SplitMix64, _ count: Int) -> String {
        "[" + (0..<count).map { _ in number(&g) }.joined(separator: g.next() % 4 == 0 ? " , " : ",") + "]"
    }

    /// Mostly vectors and rows, sometimes the shapes and values that are refused.
    static func logits(_ g: inout SplitMix64) -> String {
        switch g.next() % 12 {
        case 0...4: return row(&g, Int(g.next() % 6) + 1)
        case 5...7:
            let columns = Int(g.next() % 4) + 1
            let ragged = g.next() % 5 == 0
            return "["
                + (0..<Int(g.next() % 3) + 1).map { r in row(&g, ragged && r == 1 ? columns + 1 : columns) }
                .joined(separator: ",") + "]"
        default:
            let odd = [
                "[]", "[[]]", "null", "\"0.5\"", "[1, [2]]", "[[1], 2]", "[true]", "[[1, 2], []]", "{}", "[null]",
                "[[1e400]]",
            ]
            return odd[Int(g.next() % UInt64(odd.count))]
        }
    }

    static func member(_ g: inout SplitMix64) -> String {
        switch g.next() % 14 {
        case 0...3: return "\"logits\": \(logits(&g))"
        case 4, 5: return "\"temperature\": " + ["null", "true", "\"2\"", number(&g), number(&g)][Int(g.next() % 5)]
        case 6, 7: return "\"log\": " + ["true", "false", "null", "1", "\"true\""][Int(g.next() % 5)]
        case 8, 9: return "\"derivative\": " + ["true", "false", "null", "0", "[]"][Int(g.next() % 5)]
        case 10: return "\"temprature\": 2"
        case 11: return "\"log\\u0069ts\": [1, 2]"
        case 12: return "\"\": 1"
        default: return "\"logits\": \(row(&g, 3))"
        }
    }

    static func document(_ g: inout SplitMix64) -> String {
        switch g.next() % 10 {
        case 0: return logits(&g)  // a bare array, or not
        case 1:
            return ["5", "\"x\"", "true", "null", " ", "{\"logits\": [1, 2]", "{\"logits\": [1, 2],}"][
                Int(g.next() % 7)]
        default:
            var members = ["\"logits\": \(logits(&g))"]
            for _ in 0..<Int(g.next() % 4) { members.append(member(&g)) }
            if g.next() % 8 == 0 { members.removeFirst() }
            members.shuffle(using: &g)
            return "{" + members.joined(separator: g.next() % 2 == 0 ? "," : ",\n  ") + "}"
        }
    }

    /// A `/classify` document: logits, or a model and its input, with now and then an option, a
    /// field of the other shape, or a value of the wrong kind.
    static func classifyDocument(_ g: inout SplitMix64) -> String {
        var members =
            g.next() % 2 == 0
            ? ["\"logits\": \(logits(&g))"]
            : [
                "\"model\": " + ["\"iris\"", "\"iris\"", "\"ir\\u0069s\"", "5", "null"][Int(g.next() % 5)],
                "\"input\": \(logits(&g))",
            ]
        for _ in 0..<Int(g.next() % 3) {
            members.append(
                [
                    "\"top_k\": 2", "\"activation\": \"sigmoid\"", "\"threshold\": 0.3", "\"labels\": [\"a\", \"b\"]",
                    "\"version\": 1", "\"input\": [1, 2]", "\"logits\": [1, 2]", "\"weights\": [[1]]",
                    "\"model\": \"x\"",
                    "\"extra\": 1",
                ][Int(g.next() % 10)])
        }
        if g.next() % 10 == 0 { members.removeFirst() }
        members.shuffle(using: &g)
        return g.next() % 12 == 0 ? logits(&g) : "{" + members.joined(separator: ", ") + "}"
    }

    /// Sends 20 000 seeded documents to both paths of `T` and compares; the reader must answer at
    /// least a tenth of them, or this compares the Decodable path with itself.
    static func compareOnDocuments<T: ComputeRequest>(
        _: T.Type, seed: UInt64, _ document: (inout SplitMix64) -> String, _ describe: (T) -> String
    ) {
        var g = SplitMix64(seed: seed)
        var answered = 0
        let documents = 20_000
        for _ in 0..<documents {
            let text = document(&g)
            let outcome = bothWays(T.self, text, describe, readerAnswered: &answered)
            #expect(outcome.read == outcome.decoded, "\(text)")
        }
        #expect(answered > documents / 10, "\(T.self): the reader answered \(answered)")
    }

    @Test func theReaderGivesTheDecodablesRequestOrError() {
        Self.compareOnDocuments(SoftmaxRequest.self, seed: 20_261_203, Self.document, Self.describe)
        Self.compareOnDocuments(SigmoidRequest.self, seed: 20_261_203, Self.document, Self.describe)
        Self.compareOnDocuments(ClassifyRequest.self, seed: 20_261_205, Self.classifyDocument, Self.describe)
    }

    @Test func theCommonShapesAreRead() throws {
        for text in [
            #"{"logits": [0.5, -1, 2e3]}"#, #"{"logits": [[1, 2], [3, 4]], "temperature": 0.5, "log": true}"#,
            "[1, 2, 3]", "[[1], [2]]", #"{"log": null, "temperature": null, "logits": [1]}"#,
        ] {
            var answered = 0
            let softmax = Self.bothWays(SoftmaxRequest.self, text, Self.describe, readerAnswered: &answered)
            #expect(answered == 1, "\(text)")
            #expect(softmax.read == softmax.decoded)
        }
        var answered = 0
        let rows = Self.bothWays(
            SoftmaxRequest.self, #"{"logits": [[1, 2], [3, 4]], "temperature": 0.5, "log": true}"#, Self.describe,
            readerAnswered: &answered)
        #expect(
            rows.read
                == .request(
                    "2×2 vector=false 3ff0000000000000,4000000000000000,4008000000000000,4010000000000000"
                        + " t=\(0.5.bitPattern) log=true"))
    }
}
