import Foundation
import LogitModels
import ONNXProto
import SwiftProtobuf
import Testing

/// Graphs logitd refuses, each with the one line start-up prints (file: problem). The files are in
/// Fixtures/onnx/refused, written by scripts/onnx/make_fixtures.py.
@Suite struct GraphReaderTests {
    static let refused: [(file: String, problem: String)] = [
        (
            "relu",
            "node '/act/Relu' (Relu): op Relu is not one logitd serves (it serves linear classifiers: "
                + "LinearClassifier, Gemm, MatMul + Add, then Softmax, LogSoftmax or Sigmoid)"
        ),
        (
            "conv",
            "node '/conv/Conv' (Conv): op Conv is not one logitd serves (it serves linear classifiers: "
                + "LinearClassifier, Gemm, MatMul + Add, then Softmax, LogSoftmax or Sigmoid)"
        ),
        ("second-input", "the graph has 2 inputs ('input', 'mask'); a served model has one"),
        (
            "external-data",
            "node '/fc/Gemm' (Gemm): initializer 'fc.weight': its data is in an external file ('weights.bin'); "
                + "logitd reads only self-contained .onnx files (save with onnx.save(..., save_as_external_data=False))"
        ),
        (
            "int8-weight",
            "node '/fc/Gemm' (Gemm): initializer 'fc.weight': its data type INT8 is not one logitd reads "
                + "(FLOAT, DOUBLE, FLOAT16)"
        ),
        ("bias-shape", "node '/fc/Gemm' (Gemm): bias initializer 'fc.bias' has dims [6] but the weights have 5 rows"),
        (
            "raw-data-short",
            "node '/fc/Gemm' (Gemm): initializer 'fc.weight': its raw_data has 156 bytes but its dims [5, 8] need 160"
        ),
        (
            "input-width",
            "node '/fc/Gemm' (Gemm): input 'input' has 9 features per row but the weights have 8 columns"
        ),
        (
            "rank3-input",
            "node '/fc/MatMul' (MatMul): input 'input' has rank 3; a served model takes rows of features (rank 2)"
        ),
        ("softmax-axis0", "node '/act/Softmax' (Softmax): Softmax over axis 0, not the classes' (1 or -1)"),
        (
            "one-vs-rest",
            "node 'Normalizer' (Normalizer): L1 normalisation of independent sigmoids (one-vs-rest) is neither σ "
                + "nor softmax; logitd does not serve it"
        ),
    ]

    @Test(arguments: zip(refused.map(\.file), refused.map(\.problem)))
    func refusesWithAMessageNamingFileNodeAndOp(file: String, problem: String) throws {
        let bytes = try ONNXFixture.bytes("refused/\(file).onnx")
        #expect(throws: ModelLoadError(file: "models/\(file).onnx", problem: problem)) {
            try loadONNX(bytes, file: "models/\(file).onnx", name: file, version: 1)
        }
    }

    @Test func everyRefusedFixtureIsInTheTable() throws {
        let folder = ONNXFixture.directory.appendingPathComponent("refused")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".onnx") }
        #expect(Set(files.map { String($0.dropLast(5)) }) == Set(Self.refused.map(\.file)))
    }

    // MARK: - Graphs built here: what each node may follow

    /// iris-ints-double (skl2onnx's double form) with one change made to its graph.
    func irisDouble(_ change: (inout Onnx_GraphProto) -> Void) throws -> [UInt8] {
        var model = try Onnx_ModelProto(serializedBytes: try ONNXFixture.bytes("iris-ints-double.onnx"))
        change(&model.graph)
        return try model.serializedBytes()
    }

    func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = op
        node.input = inputs
        node.output = outputs
        node.name = name
        return node
    }

    @Test func refusesASecondActivation() throws {
        let bytes = try irisDouble { graph in
            let i = graph.node.firstIndex { $0.opType == "Softmax" }!
            graph.node[i].output = ["p0"]
            graph.node.insert(node("Sigmoid", ["p0"], ["probabilities"], name: "again"), at: i + 1)
        }
        #expect(
            problem(bytes)
                == "node 'again' (Sigmoid): it reads 'p0', the activated scores, where logitd expects the linear scores"
        )
    }

    @Test func refusesANodeReadingAValueNotYetDefined() throws {
        let bytes = try irisDouble { graph in
            graph.node.swapAt(0, 1)  // Add before the MatMul that makes its input
        }
        #expect(
            problem(bytes) == "node 'Add' (Add): it reads 'multiplied', which no earlier node or initializer defines")
    }

    @Test func refusesAValueDefinedTwice() throws {
        let bytes = try irisDouble { graph in
            graph.node.insert(node("Identity", ["X"], ["multiplied"], name: "dup"), at: 1)
        }
        #expect(problem(bytes) == "node 'dup' (Identity): it defines 'multiplied', which is already defined")
    }

    @Test func refusesAnOutputThatIsNotServed() throws {
        let bytes = try irisDouble { graph in
            var output = Onnx_ValueInfoProto()
            output.name = "coef"
            graph.output.append(output)
        }
        #expect(problem(bytes) == "graph output 'coef' is not computed by any node")
    }

    @Test func refusesAnOutputOfTheScoresBeforeTheirBias() throws {
        let bytes = try irisDouble { graph in
            var output = Onnx_ValueInfoProto()
            output.name = "multiplied"
            graph.output.append(output)
        }
        #expect(problem(bytes) == "graph output 'multiplied' is the scores before the bias is added")
    }

    @Test func refusesLabelsThatDisagreeWithTheClasses() throws {
        let bytes = try irisDouble { graph in
            let i = graph.initializer.firstIndex { $0.name == "classes" }!
            graph.initializer[i].int32Data = [0, 1]
            graph.initializer[i].dims = [2]
        }
        #expect(problem(bytes) == "the graph's 2 class labels don't match its 3 classes")
    }

    @Test func refusesAnOpOfAnotherDomain() throws {
        let bytes = try irisDouble { graph in
            graph.node[0].domain = "com.microsoft"
        }
        #expect(
            problem(bytes) == "node 'MatMul' (MatMul): op MatMul of domain 'com.microsoft' is not one logitd serves")
    }

    @Test func refusesAGraphWithoutALinearLayer() throws {
        var model = Onnx_ModelProto()
        var input = Onnx_ValueInfoProto()
        input.name = "x"
        input.type.tensorType.elemType = 1
        model.graph.input = [input]
        model.graph.node = [node("Sigmoid", ["x"], ["y"], name: "s")]
        #expect(
            problem(try model.serializedBytes())
                == "node 's' (Sigmoid): it reads 'x', the graph input, where logitd expects the linear scores")
    }
}
