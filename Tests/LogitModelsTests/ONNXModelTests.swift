import Foundation
import LogitMath
import LogitModels
import ONNXProto
import SwiftProtobuf
import TestSupport
import Testing

/// One file of Fixtures/onnx and what scripts/onnx/make_fixtures.py recorded for it.
struct ONNXFixture: CustomTestStringConvertible, Sendable {
    let name: String
    let bytes: [UInt8]
    let activation: String
    let inputs: Int
    let outputs: Int
    let labels: [String]?
    let inputName: String
    let storage: String
    /// The rows fed to the model, exactly as the exporter's dtype holds them.
    let rows: [[Double]]
    let logits: [[Reference]]
    let probabilities: [[Reference]]?
    /// onnxruntime's answer per row: the label, when the graph outputs one.
    let ortLabels: [String]?
    /// onnxruntime's scores output (probabilities, log-probabilities or logits) in its float precision.
    let ortScores: [[Double]]

    var testDescription: String { name }

    static let directory = Bundle.module.url(forResource: "onnx", withExtension: nil, subdirectory: "Fixtures")!

    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".onnx") }.map { String($0.dropLast(5)) }.sorted()
    }()

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(path)))
    }

    init(_ name: String) throws {
        self.name = name
        bytes = try Self.bytes("\(name).onnx")
        let doc = AnyJSON.object(try Self.bytes("\(name).json"))
        let expect = try #require(doc["expect"] as? [String: Any])
        activation = try #require(expect["activation"] as? String)
        inputs = try #require(expect["inputs"] as? Int)
        outputs = try #require(expect["outputs"] as? Int)
        labels = expect["labels"] as? [String]
        inputName = try #require(expect["inputName"] as? String)
        storage = try #require(expect["storage"] as? String)
        rows = (doc["inputs"] as? [Any] ?? []).map(doubles)
        func references(_ value: Any?) -> [[Reference]]? {
            (value as? [Any])?.map { row in
                (row as? [Any] ?? []).map { pair in
                    let p = doubles(pair)
                    return Reference(hi: p[0], frac: p[1])
                }
            }
        }
        logits = try #require(references(doc["logits"]))
        probabilities = references(doc["probabilities"])
        let ort = try #require(doc["ort"] as? [String: Any])
        let labelKey = ort.keys.first { $0.hasSuffix("label") }
        ortLabels = labelKey.flatMap { key in
            (ort[key] as? [Any])?.map { ($0 as? String) ?? String(describing: $0) }
        }
        let scoreKey = try #require(ort.keys.first { $0 != labelKey })
        ortScores = (ort[scoreKey] as? [Any] ?? []).map(doubles)
    }
}

@Suite struct ONNXModelTests {
    static let fixtures: [ONNXFixture] = ONNXFixture.names.map { try! ONNXFixture($0) }

    func load(_ fixture: ONNXFixture) throws -> Model {
        try loadONNX(fixture.bytes, file: "\(fixture.name).onnx", name: fixture.name, version: 3)
    }

    func logits(_ model: Model, _ fixture: ONNXFixture) throws -> Matrix {
        try linear(weights: model.weights, bias: model.bias, inputs: Matrix(rows: fixture.rows))
    }

    /// The served probabilities of one row of logits, as the activation defines them.
    func probabilities(_ z: [Double], _ activation: ModelActivation) throws -> [Double] {
        switch activation {
        case .softmax, .none: try softmax(z)
        case .sigmoid: sigmoid(z)
        case .binary: [sigmoid(-z[0]), sigmoid(z[0])]
        }
    }

    @Test func everyExporterFormIsAmongTheFixtures() {
        #expect(Self.fixtures.count == 28)
        #expect(Set(Self.fixtures.map(\.activation)) == ["softmax", "binary", "sigmoid", "none"])
    }

    @Test(arguments: fixtures)
    func loadsAsTheModelTheExporterWrote(_ fixture: ONNXFixture) throws {
        let model = try load(fixture)
        #expect(model.name == fixture.name)
        #expect(model.version == 3)
        #expect(model.format == .onnx)
        #expect(model.activation.rawValue == fixture.activation)
        #expect(model.inputs == fixture.inputs)
        #expect(model.outputs == fixture.outputs)
        #expect(model.bias.count == fixture.outputs)
        #expect(model.labels == fixture.labels)
        #expect(model.inputName == fixture.inputName)
        #expect(model.storage.rawValue == fixture.storage)
        #expect(model.file == "\(fixture.name).onnx")
    }

    /// The stored weights are read exactly, so W·x + b in Double is within the dot product's a-priori bound
    /// γ(n+1)·(Σ|w_i·x_i| + |b|), γ(k) = k·u/(1 − k·u), u = 2^-53 (Higham, Accuracy and Stability, §3.1), of
    /// the 50-digit value of the same weights.
    @Test(arguments: fixtures)
    func logitsAreWithinADotProductsErrorBoundOfTheExactValue(_ fixture: ONNXFixture) throws {
        let model = try load(fixture)
        let served = try logits(model, fixture)
        let n = Double(model.inputs + 1)
        let u = 0x1p-53
        let gamma = n * u / (1 - n * u)
        for (r, x) in fixture.rows.enumerated() {
            for j in 0..<model.outputs {
                let magnitude = zip(model.weights.row(j), x).reduce(abs(model.bias[j])) { $0 + abs($1.0 * $1.1) }
                // The magnitude itself is summed in Double: (1 + 2nu) covers its own rounding.
                let bound = gamma * magnitude * (1 + 2 * n * u)
                let error = fixture.logits[r][j].distance(served[r, j])
                #expect(error <= bound, "row \(r) logit \(j): \(served[r, j]) is \(error) from exact, bound \(bound)")
            }
        }
    }

    /// σ/softmax of the logits (the reference's, rounded to Double, as the served ones are) within 4 ulp of
    /// their 50-digit value: the activations are as exact as /sigmoid and /softmax.
    @Test(arguments: fixtures.filter { $0.probabilities != nil })
    func probabilitiesAreWithinFourUlps(_ fixture: ONNXFixture) throws {
        let model = try load(fixture)
        let references = try #require(fixture.probabilities)
        for (r, row) in fixture.logits.enumerated() {
            let p = try probabilities(row.map(\.hi), model.activation)
            for (j, reference) in references[r].enumerated() {
                #expect(reference.ulpError(p[j]) <= 4, "row \(r) class \(j): \(p[j])")
            }
        }
    }

    /// The class of each row, and its label, are onnxruntime's: argmax with ties to the lower index (σ(z) > ½
    /// for binary models, argmax of the outputs for graphs without a label output).
    @Test(arguments: fixtures)
    func classesEqualOnnxruntimes(_ fixture: ONNXFixture) throws {
        let model = try load(fixture)
        let served = try logits(model, fixture)
        for r in 0..<fixture.rows.count {
            let z = Array(served.row(r))
            let ours = model.activation == .binary ? (z[0] > 0 ? 1 : 0) : try argmax(z)
            if let labels = fixture.ortLabels {
                #expect(model.labels?[ours] == labels[r], "row \(r)")
            } else {
                #expect(ours == (try argmax(fixture.ortScores[r])), "row \(r)")
            }
        }
    }

    /// onnxruntime computes in the model's float type; logitd in Double. The difference is measured (and
    /// printed) here, and bounded loosely by the float type's own precision.
    @Test(arguments: fixtures)
    func differsFromOnnxruntimeByItsFloatRounding(_ fixture: ONNXFixture) throws {
        let model = try load(fixture)
        let served = try logits(model, fixture)
        var maxAbs = 0.0
        var maxRel = 0.0
        for r in 0..<fixture.rows.count {
            let z = Array(served.row(r))
            let ours: [Double] =
                if fixture.name.hasSuffix("logsoftmax") {
                    try logSoftmax(z)
                } else if model.activation == .none {
                    z
                } else {
                    try probabilities(z, model.activation)
                }
            for (a, b) in zip(ours, fixture.ortScores[r]) {
                maxAbs = max(maxAbs, abs(a - b))
                if a != 0 { maxRel = max(maxRel, abs(a - b) / abs(a)) }
            }
        }
        print("onnx \(fixture.name): max |logitd − onnxruntime| = \(maxAbs), max relative = \(maxRel)")
        // float16 rounds to 11 bits, float32 to 24; double's ORT kernels still differ from ours by rounding and
        // by predict_proba's 1 − σ(z) (which loses relative accuracy as σ(z) nears 1).
        let tolerance =
            switch fixture.storage {
            case "FP64": 1e-12
            default: fixture.name.contains("float16") ? 2e-2 : 1e-5
            }
        #expect(maxAbs <= tolerance)
    }
}

/// What `loadONNX` says of `bytes`, or nil when it loads them.
func problem(_ bytes: [UInt8]) -> String? {
    do {
        _ = try loadONNX(bytes, file: "m.onnx", name: "m", version: 1)
        return nil
    } catch {
        return error.problem
    }
}

/// The file is untrusted: every way of cutting or inflating it is refused without a crash or a large allocation.
@Suite struct ONNXUntrustedBytesTests {

    /// A prefix of a file either is refused or, when it ends exactly between the model's last fields (after
    /// the graph), is the same model: nothing half-read is ever served.
    @Test(arguments: ["iris-strings-float-zipmap", "cancer-ints-double", "torch-gemm-float16-softmax"])
    func everyTruncationIsRefusedOrLosesNothingServed(_ name: String) throws {
        let bytes = try ONNXFixture.bytes("\(name).onnx")
        let whole = try loadONNX(bytes, file: "m.onnx", name: "m", version: 1)
        var refused = 0
        for end in 0..<bytes.count {
            do {
                let part = try loadONNX(Array(bytes[..<end]), file: "m.onnx", name: "m", version: 1)
                #expect(part.weights == whole.weights && part.bias == whole.bias && part.labels == whole.labels)
                #expect(part.activation == whole.activation && part.inputName == whole.inputName)
            } catch {
                refused += 1
            }
        }
        #expect(refused > bytes.count / 2)
    }

    @Test func aTruncatedFileSaysSo() throws {
        let bytes = try ONNXFixture.bytes("iris-ints-float.onnx")
        #expect(problem(Array(bytes.dropLast(100))) == "not a readable ONNX file: the protobuf data is truncated")
    }

    @Test func aLengthBeyondTheFileIsRefusedBeforeAllocating() {
        // ModelProto.graph (field 7, length-delimited) claiming 2^40 bytes, then 2^62 (beyond any buffer).
        #expect(
            problem([0x3A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x00])
                == "not a readable ONNX file: the protobuf data is malformed")
        #expect(
            problem([0x3A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x00])
                == "not a readable ONNX file: the protobuf data is malformed")
    }

    @Test func nestingDeeperThan32IsRefused() throws {
        // Subgraphs inside attributes inside nodes inside graphs, 40 levels down.
        var graph = Onnx_GraphProto()
        for _ in 0..<40 {
            var attribute = Onnx_AttributeProto()
            attribute.name = "body"
            attribute.g = graph
            var node = Onnx_NodeProto()
            node.opType = "If"
            node.attribute = [attribute]
            graph = Onnx_GraphProto()
            graph.node = [node]
        }
        var model = Onnx_ModelProto()
        model.graph = graph
        #expect(
            problem(try model.serializedBytes()) == "not a readable ONNX file: messages nested deeper than 32 levels")
    }

    @Test func bytesThatAreNotProtobufAreRefused() {
        #expect(problem(Array(#"{"weights": [[1]]}"#.utf8)) != nil)
        #expect(problem([]) == "not an ONNX model: it has no graph (or a graph without nodes)")
    }
}
