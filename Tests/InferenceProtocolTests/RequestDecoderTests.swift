import LogitMath
import Testing

@testable import InferenceProtocol

/// `{"inputs": [{...}]}` with one tensor of the given parts.
private func oneInput(
    shape: String = "[2, 2]", datatype: String = "FP64", data: String? = "[1, 2, 3, 4]", parameters: String? = nil,
    extra: String = ""
) -> String {
    var tensor = #"{"name": "x", "shape": \#(shape), "datatype": "\#(datatype)""#
    if let parameters { tensor += #", "parameters": \#(parameters)"# }
    if let data { tensor += #", "data": \#(data)"# }
    return #"{"inputs": [\#(tensor + "}")]\#(extra)}"#
}

private func binaryInput(shape: String = "[2, 2]", datatype: String = "FP64", size: Int) -> String {
    oneInput(shape: shape, datatype: datatype, data: nil, parameters: #"{"binary_data_size": \#(size)}"#)
}

/// A malformed request and the message that must name its problem.
struct Malformed: Sendable, CustomStringConvertible {
    var name: String
    var body: [UInt8]
    var headerLength: Int?
    var message: String
    var description: String { name }

    init(_ name: String, _ json: String, blob: [UInt8] = [], headerLength: Int? = nil, _ message: String) {
        self.name = name
        let (body, length) = requestBody(json, blob: blob)
        self.body = body
        self.headerLength = headerLength ?? length
        self.message = message
    }
}

private let eightDoubles = littleEndianBytes([1, 2, 3, 4], as: .fp64)

let malformedRequests: [Malformed] = [
    .init("not JSON", "{inputs", "invalid JSON at byte 1"),
    .init("no inputs", #"{"id": "a"}"#, #"missing field "inputs""#),
    .init(
        "two inputs",
        #"{"inputs": [\#(oneInput().dropFirst(12).dropLast(2)), \#(oneInput().dropFirst(12).dropLast(2))]}"#,
        "inputs must hold exactly one tensor, found 2"),
    .init("zero inputs", #"{"inputs": []}"#, "inputs must hold exactly one tensor, found 0"),
    .init(
        "unknown datatype", oneInput(datatype: "FP8"),
        "inputs[0].datatype: FP8 is not an input datatype; use one of BOOL, UINT8"),
    .init("BYTES input", oneInput(datatype: "BYTES", data: #"["a"]"#), "BYTES is not an input datatype"),
    .init("FP16 as JSON", oneInput(datatype: "FP16"), "inputs[0].data: FP16 tensors have no JSON form"),
    .init("BF16 as JSON", oneInput(datatype: "BF16"), "inputs[0].data: BF16 tensors have no JSON form"),
    .init("rank 3", oneInput(shape: "[1, 2, 2]"), "inputs[0].shape must be [k, n] or [n], found [1, 2, 2]"),
    .init("rank 0", oneInput(shape: "[]"), "inputs[0].shape must be [k, n] or [n], found []"),
    .init("zero rows", oneInput(shape: "[0, 4]", data: "[]"), "inputs[0].shape [0, 4] has no elements"),
    .init("negative dimension", oneInput(shape: "[-1, 4]"), "inputs[0].shape [-1, 4] has no elements"),
    .init(
        "shape product overflows", oneInput(shape: "[4611686018427387904, 4]"),
        "inputs[0].shape [4611686018427387904, 4] has more elements than can be counted"),
    .init("fractional dimension", oneInput(shape: "[2.5, 2]"), "inputs[0].shape[0]: expected an integer, found 2.5"),
    .init("too few elements", oneInput(data: "[[1, 2], [3]]"), "inputs[0].shape [2, 2] has 4 elements but data has 3"),
    .init(
        "too many elements", oneInput(shape: "[4]", data: "[1, 2, 3, 4, 5]"),
        "inputs[0].shape [4] has 4 elements but data has 5"),
    .init("string element", oneInput(data: #"[1, "2", 3, 4]"#), "inputs[0].data[1]: expected a number, found a string"),
    .init(
        "nested string element", oneInput(data: #"[[1, 2], [3, "4"]]"#),
        "inputs[0].data[1][1]: expected a number, found a string"),
    .init(
        "INT8 out of range", oneInput(datatype: "INT8", data: "[1, 2, 300, 4]"),
        "inputs[0].data[2]: number 300 is out of range"),
    .init(
        "UINT8 negative", oneInput(datatype: "UINT8", data: "[1, -2, 3, 4]"),
        "inputs[0].data[1]: number -2 is out of range"),
    .init(
        "INT32 fraction", oneInput(datatype: "INT32", data: "[1, 2.5, 3, 4]"),
        "inputs[0].data[1]: expected an integer, found 2.5"),
    .init(
        "BOOL as number", oneInput(datatype: "BOOL", data: "[1, 0, 1, 0]"),
        "inputs[0].data[0]: expected a boolean, found a number"),
    .init(
        "number out of Double's range", oneInput(data: "[1, 2, 1e400, 4]"),
        "inputs[0].data[2]: number 1e400 is out of range"),
    .init("id not a string", #"{"id": 7, "inputs": []}"#, "id: expected a string, found a number"),
    .init(
        "shared memory input", oneInput(data: nil, parameters: #"{"shared_memory_region": "r"}"#),
        "inputs[0].parameters.shared_memory_region: shared memory is not supported"),
    .init(
        "shared memory output",
        oneInput(extra: #", "outputs": [{"name": "logits", "parameters": {"shared_memory_region": "r"}}]"#),
        "outputs[0].parameters.shared_memory_region: shared memory is not supported"),
    .init(
        "classification zero",
        oneInput(extra: #", "outputs": [{"name": "logits", "parameters": {"classification": 0}}]"#),
        "outputs[0].parameters.classification: must be at least 1, found 0"),
    .init(
        "binary_data_output not a boolean", oneInput(extra: #", "parameters": {"binary_data_output": 1}"#),
        "parameters.binary_data_output: expected a boolean, found a number"),
    .init("neither data nor blob", oneInput(data: nil), "inputs[0] has no data and no parameters.binary_data_size"),
    .init(
        "both data and blob", oneInput(parameters: #"{"binary_data_size": 32}"#), blob: eightDoubles,
        "inputs[0] has both data and parameters.binary_data_size"),
    .init(
        "negative blob size", binaryInput(size: -32), blob: eightDoubles,
        "inputs[0].parameters.binary_data_size: must not be negative, found -32"),
    .init(
        "blob without a header length", binaryInput(size: 32), headerLength: nil,
        "inputs[0] has parameters.binary_data_size but the request has no Inference-Header-Content-Length"),
    .init(
        "blob size not the shape's", binaryInput(size: 24), blob: Array(eightDoubles.prefix(24)),
        "inputs[0].parameters.binary_data_size is 24 but shape [2, 2] of FP64 needs 4 × 8 bytes"),
    .init(
        "blob size overflows with the element size", binaryInput(shape: "[2305843009213693952, 1]", size: 16),
        blob: Array(eightDoubles.prefix(16)),
        "inputs[0].parameters.binary_data_size is 16 but shape [2305843009213693952, 1] of FP64 needs"),
    .init(
        "blob shorter than declared", binaryInput(size: 32), blob: Array(eightDoubles.prefix(31)),
        "binary_data_size adds up to 32 bytes but 31 follow the JSON header"),
    .init(
        "blob longer than declared", binaryInput(size: 32), blob: eightDoubles + [0],
        "binary_data_size adds up to 32 bytes but 33 follow the JSON header"),
    .init(
        "bytes after a JSON tensor", oneInput(), blob: [1, 2, 3],
        "3 bytes follow the JSON header (Inference-Header-Content-Length"),
    .init(
        "header length past the end", oneInput(), headerLength: 500,
        "Inference-Header-Content-Length is 500 but the body has only"),
    .init(
        "binary NaN", binaryInput(size: 32), blob: littleEndianBytes([1, .nan, 3, 4], as: .fp64),
        "inputs[0] element 1 of the binary FP64 data is not a finite number"),
    .init(
        "binary FP16 infinity", binaryInput(datatype: "FP16", size: 8),
        blob: littleEndianBytes([1, 2, 3, .infinity], as: .fp16),
        "inputs[0] element 3 of the binary FP16 data is not a finite number"),
    .init(
        "binary BOOL byte 2", binaryInput(datatype: "BOOL", size: 4), blob: [1, 0, 2, 0],
        "inputs[0] element 2 of the binary BOOL data is not 0 or 1"),
]

@Suite struct RequestDecoderTests {
    @Test(arguments: malformedRequests)
    func aMalformedRequestIsABadRequestNamingItsProblem(_ request: Malformed) {
        let message = decodeFailure(request.body, headerLength: request.headerLength)
        #expect(message?.contains(request.message) == true, "\(message ?? "decoded")")
    }

    @Test(arguments: datatypeSamples)
    func jsonAndBinaryTensorsOfEveryDatatypeGiveTheSameRows(_ sample: DatatypeSample) throws {
        let blob = littleEndianBytes(sample.values, as: sample.datatype)
        let (body, length) = requestBody(
            binaryInput(datatype: sample.datatype.rawValue, size: blob.count), blob: blob)
        let binary = try InferenceRequest(body: body, headerLength: length)
        #expect(binary.rows == (try Matrix(rows: 2, columns: 2, elements: sample.values)))
        #expect(binary.datatype == sample.datatype)
        guard !sample.json.isEmpty else { return }
        let json = try InferenceRequest(
            body: Array(oneInput(datatype: sample.datatype.rawValue, data: sample.json).utf8), headerLength: nil)
        #expect(json.rows == binary.rows)
    }

    @Test func aVectorShapeIsOneRow() throws {
        let request = try InferenceRequest(body: Array(oneInput(shape: "[4]").utf8), headerLength: nil)
        #expect(request.rows == (try Matrix(rows: 1, columns: 4, elements: [1, 2, 3, 4])))
    }

    @Test func flatAndNestedDataAreRowMajor() throws {
        let flat = try InferenceRequest(
            body: Array(oneInput(shape: "[2, 3]", data: "[1, 2, 3, 4, 5, 6]").utf8), headerLength: nil)
        let nested = try InferenceRequest(
            body: Array(oneInput(shape: "[2, 3]", data: "[[1, 2, 3], [4, 5, 6]]").utf8), headerLength: nil)
        #expect(flat.rows == nested.rows)
        #expect(Array(flat.rows.row(1)) == [4, 5, 6])
    }

    @Test func idOutputsAndParametersAreRead() throws {
        let json = oneInput(
            extra: #"""
                , "id": "req-7", "parameters": {"binary_data_output": true, "priority": 3, "mine": {"a": [1]}},
                "outputs": [{"name": "probabilities", "parameters": {"classification": 2, "binary_data": false}},
                            {"name": "class"}]
                """#)
        let request = try InferenceRequest(body: Array(json.utf8), headerLength: nil)
        #expect(request.id == "req-7")
        #expect(request.inputName == "x")
        #expect(request.binaryDataOutput)
        #expect(
            request.outputs == [
                RequestedOutput(name: "probabilities", binaryData: false, classification: 2),
                RequestedOutput(name: "class"),
            ])
    }

    /// API.md: `null` for an optional field means the field is absent, for every optional field.
    @Test func nullOptionalMembersAreAbsent() throws {
        let json = oneInput(
            parameters: "null",
            extra: #"""
                , "id": null, "parameters": null,
                "outputs": [{"name": "logits", "parameters": {"binary_data": null, "classification": null}},
                            {"name": "class", "parameters": null}]
                """#)
        let request = try InferenceRequest(body: Array(json.utf8), headerLength: nil)
        #expect(request.id == nil && !request.binaryDataOutput)
        #expect(request.outputs == [RequestedOutput(name: "logits"), RequestedOutput(name: "class")])
        let nullData = oneInput(data: "null", parameters: #"{"binary_data_size": 32, "shared_memory_region": null}"#)
        let blob = littleEndianBytes([1, 2, 3, 4], as: .fp64)
        let (body, length) = requestBody(nullData, blob: blob)
        #expect(try InferenceRequest(body: body, headerLength: length).rows.elements == [1, 2, 3, 4])
        #expect(
            decodeFailure(Array(oneInput(shape: "null").utf8), headerLength: nil)
                == "inputs[0].shape: expected an array, found null")
    }

    @Test func theHeaderLengthValueIsADecimalByteCount() throws {
        #expect(try InferenceRequest.headerLength(nil) == nil)
        #expect(try InferenceRequest.headerLength("0") == 0)
        #expect(try InferenceRequest.headerLength("120") == 120)
        for bad in ["", "-1", "+1", "1e3", " 12", "0x10", "9999999999999999999999"] {
            #expect(
                throws: InferenceError.badRequest(
                    "Inference-Header-Content-Length must be a byte count, found \"\(bad)\"")
            ) {
                try InferenceRequest.headerLength(bad)
            }
        }
    }

    /// The binary framing cut at every offset: a header length at each offset of the body, and the body
    /// truncated to each length. Only the true split decodes; every other is a 400, never a crash or a
    /// read past the end. The blob's bytes are chosen so that none is JSON whitespace (a header length
    /// past the JSON would otherwise be read as trailing space).
    @Test func theBinaryFramingCutAtEveryOffsetIsABadRequestButTheTrueOne() throws {
        let blob = littleEndianBytes([1.5, -2.25, 3.125, 4.0625, 5.5, -6.75], as: .fp32)
        #expect(!blob.contains { [0x20, 0x09, 0x0A, 0x0D].contains($0) })
        let (body, trueLength) = requestBody(
            binaryInput(shape: "[2, 3]", datatype: "FP32", size: blob.count), blob: blob)
        let expected = try Matrix(rows: 2, columns: 3, elements: [1.5, -2.25, 3.125, 4.0625, 5.5, -6.75])
        for length in 0...body.count + 1 {
            if length == trueLength {
                #expect(try InferenceRequest(body: body, headerLength: length).rows == expected)
            } else {
                #expect(decodeFailure(body, headerLength: length) != nil, "header length \(length)")
            }
        }
        for end in 0..<body.count {
            // Slices whose start is not 0 too: the decoder must use the array's own indices.
            let cut = Array(body[..<end])
            #expect(decodeFailure(cut, headerLength: trueLength) != nil, "body cut to \(end) bytes")
        }
    }
}
