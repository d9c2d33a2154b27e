import Foundation
import LogitMath
import LogitModels
import Testing

/// Every problem API.md lists for a model file, one row each: the file's bytes and the one line it must give.
struct BadFile: CustomTestStringConvertible, Sendable {
    let label: String
    let bytes: [UInt8]
    let problem: String
    var testDescription: String { label }

    init(_ label: String, _ bytes: [UInt8], _ problem: String) {
        self.label = label
        self.bytes = bytes
        self.problem = problem
    }

    init(_ label: String, _ text: String, _ problem: String) {
        self.init(label, Array(text.utf8), problem)
    }

    static let weight2x2 = #""weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}"#

    static let all: [BadFile] = [
        BadFile("empty", "", "the file is empty"),
        BadFile(
            "unknown format", "hello, world", "unknown format: not logitd or scikit-learn JSON, safetensors or ONNX"),
        BadFile(
            "JSON of neither kind", #"{"w": [[1]]}"#,
            "unknown format: a JSON object without \"weights\" (logitd) or \"coef\" (scikit-learn)"),
        BadFile("truncated JSON", #"{"weights": [[1, 2], [3"#, "truncated: the JSON ends at byte 23"),
        BadFile(
            "truncated safetensors data",
            safetensors(header: "{\(weight2x2)}", data: f32Bytes([1, 2])),
            "truncated: tensor weight ends at byte 16 of the data but the file holds 8"),
        BadFile(
            "a header length of 2^63", safetensors(header: "{\(weight2x2)}", declaredLength: 1 << 63),
            "truncated: the header length 9223372036854775808 runs past the end of the file (70 bytes)"),
        BadFile("ragged weights", #"{"weights": [[1, 2], [3]]}"#, "weights[1] has 1 elements but weights[0] has 2"),
        BadFile("empty weights", #"{"weights": []}"#, "weights is empty"),
        BadFile(
            "bias of the wrong length", #"{"weights": [[1, 2], [3, 4]], "bias": [1, 2, 3]}"#,
            "bias has 3 elements but weights has 2 rows"),
        BadFile(
            "a shape that does not fit its bytes",
            safetensors(
                header: #"{"weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,8]}}"#, data: f32Bytes([1, 2])),
            "tensor weight: shape [2, 2] of F32 needs 16 bytes but data_offsets [0, 8] hold 8"),
        BadFile(
            "a bias shape that does not match the weight",
            safetensors(
                header: "{\(weight2x2),\"bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28]}}",
                data: f32Bytes([1, 2, 3, 4, 5, 6, 7])),
            "tensor bias has shape [3] but weight has 2 rows"),
        BadFile(
            "overlapping offsets",
            safetensors(
                header: "{\(weight2x2),\"bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}",
                data: f32Bytes([1, 2, 3, 4])),
            "tensors weight and bias overlap: bias begins at byte 8, before weight ends at 16"),
        BadFile(
            "a gap between tensors",
            safetensors(
                header: "{\(weight2x2),\"bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[20,28]}}",
                data: f32Bytes([1, 2, 3, 4, 0, 5, 6])),
            "a gap of 4 bytes in the data before tensor bias (at byte 16)"),
        BadFile(
            "bytes after the last tensor", safetensors(header: "{\(weight2x2)}", data: f32Bytes([1, 2, 3, 4, 5])),
            "4 bytes after the last tensor's data belong to no tensor"),
        BadFile(
            "a shape whose product overflows",
            safetensors(
                header: #"{"weight":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}}"#,
                data: f32Bytes([1, 2, 3, 4])),
            "tensor weight: shape [4294967296, 4294967296] has more elements than memory can address"),
        BadFile(
            "a byte count that overflows",
            safetensors(
                header: #"{"weight":{"dtype":"F64","shape":[2305843009213693952,2],"data_offsets":[0,16]}}"#,
                data: f32Bytes([1, 2, 3, 4])),
            "tensor weight: shape [2305843009213693952, 2] of F64 needs more bytes but data_offsets [0, 16] hold 16"),
        BadFile("a number beyond Double", #"{"weights": [[1, 1e400]]}"#, "weights[0][1]: 1e400 is not a finite Double"),
        BadFile(
            "a NaN weight", safetensors(header: "{\(weight2x2)}", data: f32Bytes([1, .nan, 3, 4])),
            "tensor weight[0][1] is nan, not a finite number"),
        BadFile(
            "an infinite bias",
            safetensors(
                header: "{\(weight2x2),\"bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}",
                data: f32Bytes([1, 2, 3, 4, 0, -.infinity])),
            "tensor bias[1] is -inf, not a finite number"),
        BadFile(
            "a threshold outside (0, 1)", #"{"weights": [[1]], "threshold": 1.5}"#, "threshold 1.5 is outside (0, 1)"),
        BadFile(
            "a threshold of 0", #"{"weights": [[1]], "activation": "sigmoid", "threshold": 0}"#,
            "threshold 0.0 is outside (0, 1)"),
        BadFile(
            "labels that don't match the classes", #"{"weights": [[1], [2], [3]], "labels": ["a", "b"]}"#,
            "labels has 2 names but the model has 3 classes"),
        BadFile(
            "classes that don't match a binary coef", #"{"coef": [[1, 2]], "intercept": [0], "classes": [0, 1, 2]}"#,
            "classes has 3 entries but a 1-row coef is a binary model of 2 classes"),
        BadFile(
            "labels in metadata that don't match",
            safetensors(
                header: "{\"__metadata__\":{\"labels\":\"[\\\"a\\\"]\"},\(weight2x2)}", data: f32Bytes([1, 2, 3, 4])),
            "labels has 1 names but the model has 2 classes"),
        BadFile(
            "an unsupported dtype",
            safetensors(header: #"{"weight":{"dtype":"I32","shape":[1,1],"data_offsets":[0,4]}}"#, data: [1, 0, 0, 0]),
            "tensor weight has dtype I32; a model's weight and bias must be F64, F32, F16 or BF16"),
        BadFile(
            "a dtype safetensors does not define",
            safetensors(header: #"{"weight":{"dtype":"Q7","shape":[1,1],"data_offsets":[0,4]}}"#, data: [1, 0, 0, 0]),
            "tensor weight has dtype Q7, which logitd does not know"),
        BadFile(
            "several candidate weights",
            safetensors(
                header: #"{"a.weight":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]},"#
                    + #""b.weight":{"dtype":"F32","shape":[1,1],"data_offsets":[4,8]}}"#, data: f32Bytes([1, 2])),
            "several 2-D weight tensors (a.weight, b.weight): name one in __metadata__[\"logitd.weight\"]"),
        BadFile(
            "no candidate weight",
            safetensors(header: #"{"kernel":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]}}"#, data: f32Bytes([1])),
            "no 2-D tensor named weight or *.weight (tensors: kernel)"),
        BadFile(
            "an ONNX graph without an input", [0x08, 0x07, 0x12, 0x04, 0x74, 0x65, 0x73, 0x74, 0x3A, 0x02, 0x0A, 0x00],
            "the graph has no input"),
        BadFile(
            "a name outside the rule", #"{"name": "my model", "weights": [[1]]}"#,
            "model name \"my model\" (from its \"name\") must match [A-Za-z0-9_.-]{1,64}"),
        BadFile(
            "an unknown field", #"{"weights": [[1]], "activaton": "sigmoid"}"#,
            "unknown field \"activaton\" in a logitd JSON model (known: \"activation\", \"bias\", \"labels\", "
                + "\"name\", \"threshold\", \"weights\")"),
        BadFile(
            "an unknown activation", #"{"weights": [[1]], "activation": "relu"}"#,
            "activation \"relu\" is not one of softmax, sigmoid, none, binary"),
        BadFile(
            "binary with several rows", #"{"weights": [[1], [2]], "activation": "binary"}"#,
            "activation binary needs one row of weights (the score z), found 2"),
    ]
}

@Suite struct ModelSourcesTests {
    /// One line per problem: `FILE: problem`, and nothing loaded.
    @Test(arguments: BadFile.all)
    func refusesABadFileWithOneLine(_ row: BadFile) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let file = try dir.write("model.bin", row.bytes)
        #expect(throws: ModelLoadError(file: file, problem: row.problem)) {
            try ModelSources(files: [file]).load()
        }
    }

    @Test func refusesAnUnreadableFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let missing = dir.path + "/missing.json"
        #expect(throws: ModelLoadError(file: missing, problem: "unreadable: No such file or directory")) {
            try ModelSources(files: [missing]).load()
        }
        #expect(throws: ModelLoadError(file: dir.path, problem: "unreadable: a directory, not a file")) {
            try ModelSources(files: [dir.path]).load()
        }
    }

    /// A 1 GiB + 1 byte JSON array (sparse: nothing is written or read) is refused from its size alone, before a
    /// byte is read; a smaller --max-model-size refuses smaller files the same way.
    @Test func refusesAFileOverTheSizeLimitBeforeReadingIt() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let file = try dir.write("huge.json", #"{"weights": [[1"#)
        let handle = try #require(FileHandle(forWritingAtPath: file))
        try handle.truncate(atOffset: UInt64(defaultMaxModelSize) + 1)
        try handle.close()
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(
                throws: ModelLoadError(
                    file: file, problem: "the file is 1073741825 bytes, over --max-model-size (1073741824)")
            ) {
                try ModelSources(files: [file]).load()
            }
        }
        #expect(elapsed < .seconds(1))
        let small = try dir.write("small.json", #"{"weights": [[1, 2, 3]]}"#)
        #expect(throws: ModelLoadError(file: small, problem: "the file is 24 bytes, over --max-model-size (10)")) {
            try ModelSources(files: [small], maxModelSize: 10).load()
        }
    }

    @Test func refusesADuplicateNameAndVersion() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let a = try dir.write("a/iris.json", #"{"weights": [[1]]}"#)
        let b = try dir.write("b/other.json", #"{"name": "iris", "weights": [[2]]}"#)
        #expect(throws: ModelLoadError(file: b, problem: "duplicate model iris version 1 (also in \(a))")) {
            try ModelSources(files: [a, b]).load()
        }
    }

    /// `--model PATH`: version 1 of the model the content names, or else the file's name less its extension.
    @Test func namesComeFromTheContentOrTheFileName() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let a = try dir.write("iris.v2.json", #"{"weights": [[1]]}"#)
        let b = try dir.write("whatever", #"{"name": "cancer", "weights": [[1]]}"#)
        let set = try ModelSources(files: [a, b]).load()
        #expect(set.all.map(\.name) == ["cancer", "iris.v2"])
        #expect(set.all.allSatisfy { $0.version == 1 })
    }

    /// `NAME.EXT` files beside Triton's `NAME/VERSION/file`; everything else is ignored.
    @Test func readsBothFolderLayouts() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let iris = try String(contentsOf: Fixture.url("iris.json"), encoding: .utf8)
        try dir.write("flat.json", #"{"weights": [[1, 2]]}"#)
        try dir.write("half.safetensors", try Array(Data(contentsOf: Fixture.url("iris_f16.safetensors"))))
        try dir.write("triton/1/model.json", iris)
        try dir.write("triton/2/model.safetensors", try Array(Data(contentsOf: Fixture.url("iris_f32.safetensors"))))
        try dir.write("triton/2/labels.txt", "setosa\n")
        try dir.write("triton/config.pbtxt", "name: \"triton\"\n")
        try dir.write("triton/notes/README.md", "not a version\n")
        try dir.write("README.md", "# models\n")
        try dir.write(".hidden.json", "not even JSON")
        try dir.write("docs/guide.json", "not a model folder: no version sub-folders")
        let set = try ModelSources(directories: [dir.path]).load()
        #expect(
            set.all.map { "\($0.name)/\($0.version)/\($0.format)" } == [
                "flat/1/logitd", "half/1/safetensors", "triton/1/sklearn", "triton/2/safetensors",
            ])
        // In Triton's layout the folder names the model, whatever the file says ("iris").
        #expect(try set.model("triton").version == 2)
        #expect(try set.model("triton", version: 1).format == .sklearn)
    }

    /// A KServe storage mount: the one file in it is the model, whatever its name.
    @Test func readsAKServeMountWithOneFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try dir.write("model.bin", try Array(Data(contentsOf: Fixture.url("iris.json"))))
        let set = try ModelSources(directories: [dir.path + "/"]).load()
        #expect(set.all.map(\.name) == ["iris"])
    }

    @Test func refusesATritonVersionWithoutOneModelFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try dir.write("m/1/labels.txt", "a\n")
        #expect(
            throws: ModelLoadError(
                file: dir.path + "/m/1", problem: "no model file (.json, .safetensors or .onnx) in version 1")
        ) { try ModelSources(directories: [dir.path]).load() }
        try dir.write("m/1/a.json", #"{"weights": [[1]]}"#)
        try dir.write("m/1/b.json", #"{"weights": [[1]]}"#)
        #expect(
            throws: ModelLoadError(file: dir.path + "/m/1", problem: "several model files in version 1: a.json, b.json")
        ) { try ModelSources(directories: [dir.path]).load() }
    }

    /// 1000 iris-sized models (3×4) load, and load again, well under a second.
    @Test func loadsAThousandModelsQuickly() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let iris = try Array(Data(contentsOf: Fixture.url("iris.json")))
        let text = String(decoding: iris, as: UTF8.self).replacingOccurrences(of: #", "name": "iris""#, with: "")
        let clock = ContinuousClock()
        for i in 0..<1000 { try dir.write("m\(1000 + i).json", text) }
        var set = ModelSet()
        let first = try clock.measure { set = try ModelSources(directories: [dir.path]).load() }
        let registry = ModelRegistry(set, sources: ModelSources(directories: [dir.path]))
        let again = try clock.measure { try registry.reload() }
        print("1000 models: load \(first), reload \(again)")
        #expect(set.count == 1000 && registry.current.count == 1000)
        #expect(try set.model("m1999").labels == ["0", "1", "2"])
        #expect(first < .seconds(1) && again < .seconds(1))
    }
}
