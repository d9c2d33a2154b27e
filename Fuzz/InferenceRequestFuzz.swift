// libFuzzer target `oip`: the Open Inference Protocol request decoder, JSON and binary tensor framing, as the
// server's /v2/models/{m}/infer route calls it. Compiled by run.sh against InferenceProtocol (with LogitModels,
// LogitMath, JSONCodec) and ReferenceJSON.swift.
//
// Input: `VALUE\nBODY`, where VALUE is the Inference-Header-Content-Length field's value as sent (any bytes
// but LF); an input without LF is a BODY sent without the field. Seeds: tritonclient's own request bodies
// (Fuzz/file_seeds.py).
//
// Invariants, each a crash (fatalError) when broken:
// 1. The field's value is accepted exactly when it is 1 to 18 ASCII digits, as that number.
// 2. A refused request is a 400 with a non-empty message.
// 3. An accepted request holds the one tensor its header declares: its name, datatype and id; rows × columns
//    equal to the product of its shape ([k, n] or [n] as one row), which does not overflow; that many
//    elements, all finite, integral and in range for integer datatypes, 0 or 1 for BOOL.
// 4. Binary: the field was sent, binary_data_size = elements × the datatype's size = the bytes after the JSON
//    header (VALUE), and the elements are those bytes read little-endian by this harness's own reader.
//    JSON: no bytes follow the header.
// 5. Through a 3-class model of the request's width, the answer (or a 400 with a message) has outputs whose
//    element counts are the products of their shapes, k rows each; encoded, its JSON header is valid JSON
//    (ReferenceJSON) and the binary blobs fill the rest of the body exactly.

import InferenceProtocol
import JSONCodec
import LogitMath
import LogitModels

/// The declared parts of a request, read by this harness's own Decodable types (unknown members ignored).
struct DeclaredRequest: Decodable {
    struct Input: Decodable {
        struct Parameters: Decodable {
            var binary_data_size: Int?
        }
        var name: String
        var shape: [Int]
        var datatype: String
        var parameters: Parameters?
    }
    var id: String?
    var inputs: [Input]
}

/// Bytes per element of the binary tensor extension, by datatype name.
let elementSizes: [String: Int] = [
    "BOOL": 1, "UINT8": 1, "INT8": 1, "UINT16": 2, "INT16": 2, "FP16": 2, "BF16": 2,
    "UINT32": 4, "INT32": 4, "FP32": 4, "UINT64": 8, "INT64": 8, "FP64": 8,
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInferenceRequest(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    let value: String?
    let body: [UInt8]
    if let newline = input.firstIndex(of: 0x0A) {
        value = String(decoding: input[..<newline], as: UTF8.self)
        body = Array(input[(newline + 1)...])
    } else {
        (value, body) = (nil, input)
    }

    // 1. The field.
    let headerLength: Int?
    do {
        headerLength = try InferenceRequest.headerLength(value)
    } catch {
        checkRefusal(error, "Inference-Header-Content-Length \(value ?? "absent")")
        guard let value, !isByteCount(value) else { fatalError("refused the byte count \(value ?? "absent")") }
        return 0
    }
    if let value {
        guard isByteCount(value), headerLength == Int(value) else { fatalError("read \(value) as \(headerLength!)") }
    } else if headerLength != nil {
        fatalError("an absent field read as \(headerLength!)")
    }

    // 2–4. The body.
    let request: InferenceRequest
    do {
        request = try InferenceRequest(body: body, headerLength: headerLength)
    } catch {
        checkRefusal(error, "the body")
        return 0
    }
    checkAccepted(request, body: body, headerLength: headerLength)
    // 5. An answer.
    checkAnswer(request)
    return 0
}

/// 1 to 18 ASCII digits.
func isByteCount(_ value: String) -> Bool {
    (1...18).contains(value.utf8.count) && value.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
}

func checkRefusal(_ error: InferenceError, _ what: String) {
    guard error.kind == .badRequest, !error.message.isEmpty, error.description == error.message else {
        fatalError("\(what): refused as \(error.kind) with \"\(error.message)\"")
    }
}

func checkAccepted(_ request: InferenceRequest, body: [UInt8], headerLength: Int?) {
    let jsonEnd = headerLength ?? body.count
    guard jsonEnd <= body.count else { fatalError("a header of \(jsonEnd) bytes in a \(body.count)-byte body") }
    let declared: DeclaredRequest
    do {
        declared = try decodeJSON(DeclaredRequest.self, from: Array(body[..<jsonEnd]))
    } catch {
        fatalError("accepted, but its header does not read as a request: \(error)")
    }
    guard declared.inputs.count == 1 else { fatalError("accepted with \(declared.inputs.count) inputs") }
    let tensor = declared.inputs[0]
    guard request.id == declared.id, request.inputName == tensor.name, request.datatype.rawValue == tensor.datatype
    else { fatalError("read \(request.id as Any) \(request.inputName) \(request.datatype), declared \(tensor)") }

    // The shape and the element count.
    let shape = tensor.shape
    guard shape.count == 1 || shape.count == 2, shape.allSatisfy({ $0 >= 1 }) else {
        fatalError("accepted shape \(shape)")
    }
    var product = 1
    for d in shape {
        let (p, overflow) = product.multipliedReportingOverflow(by: d)
        guard !overflow else { fatalError("accepted shape \(shape), whose product overflows") }
        product = p
    }
    let m = request.rows
    guard m.rows == (shape.count == 2 ? shape[0] : 1), m.columns == shape.last!, m.rows * m.columns == product,
        m.elements.count == product
    else { fatalError("shape \(shape) read as \(m.rows)×\(m.columns) with \(m.elements.count) elements") }

    // The values.
    for (i, x) in m.elements.enumerated() {
        guard x.isFinite else { fatalError("element \(i) is \(x)") }
        let range: ClosedRange<Double>? =
            switch request.datatype {
            case .bool: 0...1
            case .uint8: 0...255
            case .uint16: 0...65535
            case .uint32: 0...4_294_967_295
            case .uint64: 0...0x1p64
            case .int8: -128...127
            case .int16: -32768...32767
            case .int32: -2_147_483_648...2_147_483_647
            case .int64: -0x1p63...0x1p63
            default: nil
            }
        if let range, !range.contains(x) || x.rounded() != x {
            fatalError("element \(i) of a \(request.datatype) tensor is \(x)")
        }
    }

    // The framing.
    let blob = body.count - jsonEnd
    if let size = tensor.parameters?.binary_data_size {
        guard headerLength != nil, let elementSize = elementSizes[tensor.datatype] else {
            fatalError("a binary \(tensor.datatype) tensor accepted without the field")
        }
        guard size == product * elementSize, size == blob else {
            fatalError("binary_data_size \(size) for \(product) × \(elementSize) bytes, \(blob) after the header")
        }
        let expected = readLittleEndian(Array(body[jsonEnd...]), tensor.datatype, count: product)
        guard expected.map(\.bitPattern) == m.elements.map(\.bitPattern) else {
            fatalError("the blob reads as \(expected), the decoder gave \(m.elements)")
        }
    } else if blob != 0 {
        fatalError("\(blob) bytes after the JSON header of a request without binary data")
    }
}

/// `count` little-endian elements of `datatype`, as Doubles; written apart from Datatype.read (FP16 through
/// LogitModels' widenHalf, not Float16).
func readLittleEndian(_ bytes: [UInt8], _ datatype: String, count: Int) -> [Double] {
    func unsigned(_ i: Int, _ size: Int) -> UInt64 {
        (0..<size).reduce(UInt64(0)) { $0 | UInt64(bytes[i * size + $1]) << (8 * UInt64($1)) }
    }
    func signed(_ i: Int, _ size: Int) -> Double {
        let u = unsigned(i, size)
        let shift = UInt64(64 - 8 * size)
        return Double(Int64(bitPattern: u << shift) >> Int64(shift))
    }
    return (0..<count).map { i in
        switch datatype {
        case "BOOL", "UINT8": Double(unsigned(i, 1))
        case "UINT16": Double(unsigned(i, 2))
        case "UINT32": Double(unsigned(i, 4))
        case "UINT64": Double(unsigned(i, 8))
        case "INT8": signed(i, 1)
        case "INT16": signed(i, 2)
        case "INT32": signed(i, 4)
        case "INT64": signed(i, 8)
        case "FP16": widenHalf(UInt16(unsigned(i, 2)))
        case "BF16": Double(Float(bitPattern: UInt32(unsigned(i, 2)) << 16))
        case "FP32": Double(Float(bitPattern: UInt32(unsigned(i, 4))))
        case "FP64": Double(bitPattern: unsigned(i, 8))
        default: fatalError("no size for \(datatype)")
        }
    }
}

func checkAnswer(_ request: InferenceRequest) {
    let n = request.rows.columns
    let k = request.rows.rows
    // Small weights, so that most rows give finite logits; labels, so that every output exists.
    let weights = try! Matrix(rows: 3, columns: n, elements: (0..<3 * n).map { Double($0 % 7 - 3) / 64 })
    let model = Model(
        name: "fuzz", version: 1, format: .logitd, weights: weights, bias: [0.5, 0, -0.5], activation: .softmax,
        labels: ["a", "b", "c"], file: "fuzz.json")
    let response: InferenceResponse
    do {
        response = try model.infer(request)
    } catch {
        checkRefusal(error, "the answer")
        return
    }
    for output in response.outputs {
        let product = output.shape.reduce(1, *)
        let elements: Int
        switch output.data {
        case .doubles(let xs): elements = xs.count
        case .integers(let xs): elements = xs.count
        case .strings(let xs): elements = xs.count
        }
        guard output.shape.first == k, elements == product else {
            fatalError("output \(output.name) of shape \(output.shape) with \(elements) elements for \(k) rows")
        }
    }
    let (body, headerLength) = response.encoded()
    let jsonEnd = headerLength ?? body.count
    guard jsonEnd <= body.count, ReferenceJSON.isValid(Array(body[..<jsonEnd])) else {
        fatalError("an answer whose header is not JSON: \(String(decoding: body.prefix(jsonEnd), as: UTF8.self))")
    }
    var blobs = 0
    for output in response.outputs where output.binary {
        switch output.data {
        case .doubles(let xs): blobs += 8 * xs.count
        case .integers(let xs): blobs += 8 * xs.count
        case .strings(let xs): blobs += xs.reduce(0) { $0 + 4 + $1.utf8.count }
        }
    }
    guard blobs == body.count - jsonEnd, (headerLength == nil) == !response.outputs.contains(where: \.binary) else {
        fatalError("blobs of \(blobs) bytes in \(body.count - jsonEnd) after the header (\(headerLength as Any))")
    }
}
