import Foundation
import InferenceProtocol
import TestSupport
import Testing

/// A response read back as a V2 client reads it (tritonclient's `InferResult`): the JSON header (all of the
/// body without a header length), then each binary output's blob, by `binary_data_size`, in output order.
/// Every output comes back as `[name: (datatype, shape, data)]` with its data as JSON would have had it.
func readResponse(_ body: [UInt8], headerLength: Int?) throws -> (header: [String: Any], outputs: [String: [Any]]) {
    let end = headerLength ?? body.count
    let header = AnyJSON.object(Array(body[..<end]))
    var offset = end
    var outputs: [String: [Any]] = [:]
    for output in header["outputs"] as? [[String: Any]] ?? [] {
        let name = output["name"] as! String
        if let data = output["data"] as? [Any] {
            outputs[name] = data
            continue
        }
        let size = (output["parameters"] as! [String: Any])["binary_data_size"] as! Int
        let blob = Array(body[offset..<offset + size])
        offset += size
        func word(_ at: Int, _ bytes: Int) -> UInt64 {
            (0..<bytes).reduce(0) { $0 | UInt64(blob[at + $1]) << (8 * $1) }
        }
        switch output["datatype"] as! String {
        case "FP64": outputs[name] = stride(from: 0, to: size, by: 8).map { Double(bitPattern: word($0, 8)) }
        case "INT64": outputs[name] = stride(from: 0, to: size, by: 8).map { Int(Int64(bitPattern: word($0, 8))) }
        case "BYTES":
            var strings: [Any] = []
            var at = 0
            while at < size {
                let length = Int(word(at, 4))
                strings.append(String(decoding: blob[at + 4..<at + 4 + length], as: UTF8.self))
                at += 4 + length
            }
            outputs[name] = strings
        default: Issue.record("unexpected datatype \(output["datatype"]!)")
        }
    }
    #expect(offset == body.count, "blobs end where the body ends")
    return (header, outputs)
}

@Suite struct InferenceResponseTests {
    /// Made afresh for each use, not a `static let`: a global alive at exit whose `TensorData` payloads carry
    /// their case in the pointer's spare bits (`.integers`, `.strings`) looks unreferenced to LeakSanitizer,
    /// which reported the two arrays as leaked under `scripts/sanitizers.sh address`.
    static var tensors: [OutputTensor] {
        [
            OutputTensor(name: "logits", datatype: .fp64, shape: [2, 2], data: .doubles([0.1, -2.5, 1e-05, 3])),
            OutputTensor(name: "class", datatype: .int64, shape: [2], data: .integers([1, -7])),
            OutputTensor(name: "label", datatype: .bytes, shape: [2], data: .strings(["versicolor", "é"])),
        ]
    }

    @Test func aJSONResponseHasEveryOutputsDataFlat() {
        let response = InferenceResponse(modelName: "iris", modelVersion: 3, id: "a\"b", outputs: Self.tensors)
        let (body, headerLength) = response.encoded()
        #expect(headerLength == nil)
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"{"model_name":"iris","model_version":"3","id":"a\"b","outputs":["#
                + #"{"name":"logits","datatype":"FP64","shape":[2,2],"data":[0.1,-2.5,1e-05,3.0]},"#
                + #"{"name":"class","datatype":"INT64","shape":[2],"data":[1,-7]},"#
                + #"{"name":"label","datatype":"BYTES","shape":[2],"data":["versicolor","é"]}]}"#)
    }

    @Test func withoutAnIdTheResponseHasNone() {
        let (body, _) = InferenceResponse(modelName: "m", modelVersion: 1, id: nil, outputs: []).encoded()
        #expect(String(decoding: body, as: UTF8.self) == #"{"model_name":"m","model_version":"1","outputs":[]}"#)
    }

    @Test func binaryOutputsFollowTheHeaderLittleEndianInOutputOrder() {
        var tensors = Self.tensors
        tensors[0].binary = true
        tensors[2].binary = true
        let (body, headerLength) = InferenceResponse(modelName: "m", modelVersion: 1, id: nil, outputs: tensors)
            .encoded()
        let length = try! #require(headerLength)
        #expect(
            String(decoding: body[..<length], as: UTF8.self)
                == #"{"model_name":"m","model_version":"1","outputs":["#
                + #"{"name":"logits","datatype":"FP64","shape":[2,2],"parameters":{"binary_data_size":32}},"#
                + #"{"name":"class","datatype":"INT64","shape":[2],"data":[1,-7]},"#
                + #"{"name":"label","datatype":"BYTES","shape":[2],"parameters":{"binary_data_size":20}}]}"#)
        // 0.1 is 0x3FB999999999999A; "é" is two UTF-8 bytes.
        #expect(Array(body[length..<length + 8]) == [0x9A, 0x99, 0x99, 0x99, 0x99, 0x99, 0xB9, 0x3F])
        #expect(Array(body[(length + 32)...]) == [10, 0, 0, 0] + Array("versicolor".utf8) + [2, 0, 0, 0, 0xC3, 0xA9])
    }

    /// Encoder and client decoder agree: the same outputs sent binary and sent as JSON read back equal.
    @Test func binaryAndJSONResponsesReadBackTheSame() throws {
        let json = InferenceResponse(modelName: "m", modelVersion: 1, id: nil, outputs: Self.tensors).encoded()
        let binary = InferenceResponse(
            modelName: "m", modelVersion: 1, id: nil,
            outputs: Self.tensors.map {
                var t = $0; t.binary = true; return t
            }
        ).encoded()
        let a = try readResponse(json.body, headerLength: json.headerLength)
        let b = try readResponse(binary.body, headerLength: binary.headerLength)
        #expect(doubles(a.outputs["logits"]) == doubles(b.outputs["logits"]))
        #expect(doubles(a.outputs["logits"]) == [0.1, -2.5, 1e-05, 3])
        #expect(a.outputs["class"] as? [Int] == [1, -7] && b.outputs["class"] as? [Int] == [1, -7])
        #expect(
            a.outputs["label"] as? [String] == ["versicolor", "é"]
                && b.outputs["label"] as? [String] == ["versicolor", "é"])
    }
}
