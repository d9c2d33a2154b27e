import Foundation
import LogitMath
import LogitModels
import Testing

@Suite struct ModelDecodingTests {
    /// Content decides, never the extension; a safetensors length whose low byte is `{` (123) is not JSON.
    @Test func recognisesTheFormatByContent() throws {
        #expect(ModelFileKind(of: Array(" \n{\"weights\": [[1]]}".utf8)) == .json)
        #expect(ModelFileKind(of: safetensors(header: "{" + String(repeating: " ", count: 122))) == .safetensors)
        #expect(ModelFileKind(of: try Array(Data(contentsOf: Fixture.url("iris_f32.safetensors")))) == .safetensors)
        #expect(ModelFileKind(of: [0x08, 0x07, 0x3A, 0x02, 0x0A, 0x00]) == .onnx)
        // A protobuf-looking start without a graph, or with a length past the end, is not ONNX.
        #expect(ModelFileKind(of: [0x08, 0x07]) == .unknown)
        #expect(ModelFileKind(of: [0x08, 0x07, 0x3A, 0x09, 0x0A]) == .unknown)
        #expect(ModelFileKind(of: Array("weights,1,2\n".utf8)) == .unknown)
        #expect(ModelFileKind(of: []) == .unknown)
    }

    @Test func logitdJSONTakesItsOptionalFields() throws {
        let json =
            #"{"name": "pets", "weights": [[1, 2], [3, 4]], "bias": [0.5, -0.5], "activation": "sigmoid", "#
            + #""labels": ["cat", "dog"], "threshold": 0.75}"#
        let model = try decodeModel(Array(json.utf8), file: "x.json", fallbackName: "x", version: 3)
        #expect(model.name == "pets" && model.version == 3 && model.format == .logitd && model.file == "x.json")
        #expect(model.weights == (try Matrix(rows: [[1, 2], [3, 4]])) && model.bias == [0.5, -0.5])
        #expect(model.activation == .sigmoid && model.labels == ["cat", "dog"] && model.threshold == 0.75)
        #expect(model.storage == .fp64 && model.inputName == "input")
    }

    @Test func logitdJSONDefaults() throws {
        let model = try decodeModel(Array(#"{"weights": [[1, 2]]}"#.utf8), file: "x.json", fallbackName: "x")
        #expect(model.name == "x" && model.version == 1 && model.activation == .softmax)
        #expect(model.bias == [0] && model.labels == nil && model.threshold == 0.5)
    }

    /// Triton's layout fixes the name: the folder's, whatever the content says.
    @Test func aFixedNameOverridesTheContent() throws {
        let json = #"{"name": "inside", "weights": [[1]]}"#
        let model = try decodeModel(Array(json.utf8), file: "f", fallbackName: "folder", version: 2, nameIsFixed: true)
        #expect(model.name == "folder" && model.version == 2)
    }

    /// A refusal is one line `FILE: problem` (API.md "Served models") even when it quotes the file's own text
    /// or the path holds a line break: control and line-separator characters are written as escapes (the
    /// `logitd` fuzz target checks this of every refusal; an activation of "a\nb" made a two-line message).
    @Test(arguments: [
        (#"{"weights": [[1]], "activation": "a\nb"}"#, "x.json", #"x.json: activation "a\nb" is not one of"#),
        (#"{"weights": [[1]], "activaton\r": 1}"#, "x.json", #"x.json: unknown field "activaton\r" in"#),
        (#"{"name": "\u2028\u0085\u001b", "weights": [[1]]}"#, "x.json", #"model name "\u{2028}\u{85}\u{1B}""#),
        (#"{"weights": []}"#, "dir\n/x.json", #"dir\n/x.json: weights is empty"#),
    ])
    func refusalsAreOneLine(json: String, file: String, start: String) {
        let error = #expect(throws: ModelLoadError.self) {
            try decodeModel(Array(json.utf8), file: file, fallbackName: "x")
        }
        let text = error?.description ?? ""
        #expect(!text.contains(where: \.isNewline) && !text.unicodeScalars.contains { $0.value < 0x20 })
        #expect(text.contains(start), "\(text)")
    }

    @Test(arguments: ["a", "iris", "Iris_2.v1-final", String(repeating: "x", count: 64)])
    func acceptsNamesInTheRule(_ name: String) { #expect(isValidModelName(name)) }

    @Test(arguments: ["", "a b", "a/b", "é", "a:b", String(repeating: "x", count: 65)])
    func refusesNamesOutsideTheRule(_ name: String) { #expect(!isValidModelName(name)) }
}
