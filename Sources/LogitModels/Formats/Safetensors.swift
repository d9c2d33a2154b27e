import JSONCodec
import LogitMath

// Hugging Face's safetensors (https://github.com/huggingface/safetensors, format.md): 8 bytes of little-endian
// header length N, N bytes of JSON header {"NAME": {"dtype", "shape", "data_offsets": [begin, end]}, ...,
// "__metadata__": {string: string}}, then the data, offsets relative to its start.
//
// The file is untrusted. As safetensors' own tensor.rs does, everything the header claims is checked against
// the file's real size before anything is allocated from it: N against the file, each shape's element count
// and byte count with overflow-checked multiplication, and the tensors' byte ranges must tile the data exactly
// (sorted by offset, each beginning where the previous ended, the last ending at the end: no overlap, no gap,
// nothing past the end). Only then are the chosen weight and bias read, widened exactly to Double.

/// safetensors' own limit on the header (tensor.rs MAX_HEADER_SIZE).
let maxSafetensorsHeader = 100_000_000

/// The bytes per element of every safetensors dtype, for checking tensors the model does not use.
private let dtypeSizes: [String: Int] = [
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1,
    "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
    "I32": 4, "U32": 4, "F32": 4,
    "I64": 8, "U64": 8, "F64": 8, "C64": 8, "F8_E4M3FNUZ": 1, "F8_E5M2FNUZ": 1,
]

private struct TensorEntry: Decodable {
    var dtype: String
    var shape: [Int]
    var dataOffsets: [Int]

    enum CodingKeys: String, CodingKey {
        case dtype, shape
        case dataOffsets = "data_offsets"
    }
}

private struct SafetensorsHeader: Decodable {
    var tensors: [(name: String, entry: TensorEntry)] = []
    var metadata: [String: String] = [:]

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ModelKey.self)
        for key in c.allKeys {
            if key.stringValue == "__metadata__" {
                metadata = try c.decode([String: String].self, forKey: key)
            } else {
                tensors.append((key.stringValue, try c.decode(TensorEntry.self, forKey: key)))
            }
        }
    }
}

/// A tensor whose header entry passed every check: its bytes are `data[begin..<end]`.
private struct CheckedTensor {
    var name: String
    var dtype: String
    var shape: [Int]
    var begin: Int
    var end: Int
}

func decodeSafetensorsModel(_ bytes: [UInt8]) throws(ModelFormatError) -> ModelParts {
    let (tensors, metadata, dataStart) = try readHeader(bytes)
    let byName = Dictionary(tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    // The weight: the one named in metadata, else the one 2-D `weight` or `*.weight`.
    let weight: CheckedTensor
    if let chosen = metadata["logitd.weight"] {
        guard let t = byName[chosen] else {
            throw ModelFormatError("__metadata__[\"logitd.weight\"] names \"\(chosen)\", which is not a tensor here")
        }
        weight = t
    } else {
        let candidates = tensors.filter { ($0.name == "weight" || $0.name.hasSuffix(".weight")) && $0.shape.count == 2 }
            .sorted { $0.name < $1.name }
        guard candidates.count == 1 else {
            if candidates.isEmpty {
                let all = tensors.map(\.name).sorted().joined(separator: ", ")
                throw ModelFormatError(
                    "no 2-D tensor named weight or *.weight (tensors: \(all.isEmpty ? "none" : all))")
            }
            let list = candidates.map(\.name).joined(separator: ", ")
            throw ModelFormatError(
                "several 2-D weight tensors (\(list)): name one in __metadata__[\"logitd.weight\"]")
        }
        weight = candidates[0]
    }
    guard weight.shape.count == 2, weight.shape[0] > 0, weight.shape[1] > 0 else {
        throw ModelFormatError("tensor \(weight.name) has shape \(weight.shape); the weight must be m×n, m, n ≥ 1")
    }
    let (m, n) = (weight.shape[0], weight.shape[1])
    let elements = try widen(weight, bytes, dataStart)
    guard let weights = try? Matrix(rows: m, columns: n, elements: elements) else {
        throw ModelFormatError("tensor \(weight.name): \(elements.count) elements do not make \(m)×\(n)")
    }

    var bias: [Double]?
    let biasName = weight.name.hasSuffix("weight") ? String(weight.name.dropLast(6)) + "bias" : nil
    if let biasName, let b = byName[biasName] {
        guard b.shape == [m] else {
            throw ModelFormatError("tensor \(b.name) has shape \(b.shape) but \(weight.name) has \(m) rows")
        }
        bias = try widen(b, bytes, dataStart)
    }

    var activation = ModelActivation.softmax
    if let text = metadata["activation"] {
        guard let a = ModelActivation(rawValue: text) else {
            let all = ModelActivation.allCases.map(\.rawValue).joined(separator: ", ")
            throw ModelFormatError("__metadata__ activation \"\(text)\" is not one of \(all)")
        }
        activation = a
    }
    var labels: [String]?
    if let text = metadata["labels"] {
        do {
            labels = try decodeJSON([String].self, from: Array(text.utf8))
        } catch {
            throw ModelFormatError("__metadata__ labels must be a JSON array of strings: \(error)")
        }
    }
    var threshold: Double?
    if let text = metadata["threshold"] {
        guard let t = Double(text) else { throw ModelFormatError("__metadata__ threshold \"\(text)\" is not a number") }
        threshold = t
    }
    let storage: StorageType =
        weight.dtype == "F64" && (bias == nil || byName[biasName!]!.dtype == "F64") ? .fp64 : .fp32
    return ModelParts(
        format: .safetensors, name: nil, weights: weights, bias: bias, activation: activation, labels: labels,
        threshold: threshold, storage: storage)
}

/// The header's tensors, every one checked against the file, and where the data begins.
private func readHeader(
    _ bytes: [UInt8]
) throws(ModelFormatError) -> (tensors: [CheckedTensor], metadata: [String: String], dataStart: Int) {
    guard bytes.count >= 8 else {
        throw ModelFormatError("truncated: \(bytes.count) bytes, less than the header length")
    }
    let declared = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
    guard declared <= UInt64(bytes.count - 8) else {
        throw ModelFormatError(
            "truncated: the header length \(declared) runs past the end of the file (\(bytes.count) bytes)")
    }
    guard declared <= UInt64(maxSafetensorsHeader) else {
        throw ModelFormatError("the header length \(declared) is over safetensors' limit of \(maxSafetensorsHeader)")
    }
    let headerEnd = 8 + Int(declared)
    let header: SafetensorsHeader
    do {
        header = try decodeJSON(SafetensorsHeader.self, from: Array(bytes[8..<headerEnd]))
    } catch let error as JSONDecodingError {
        throw ModelFormatError("the safetensors header is not valid: \(error)")
    } catch {
        throw ModelFormatError("the safetensors header is not valid: \(error)")
    }
    let dataSize = bytes.count - headerEnd

    var tensors: [CheckedTensor] = []
    for (name, entry) in header.tensors {
        guard let size = dtypeSizes[entry.dtype] else {
            throw ModelFormatError("tensor \(name) has dtype \(entry.dtype), which logitd does not know")
        }
        guard entry.dataOffsets.count == 2 else {
            throw ModelFormatError("tensor \(name): data_offsets must be [begin, end], found \(entry.dataOffsets)")
        }
        let (begin, end) = (entry.dataOffsets[0], entry.dataOffsets[1])
        guard begin >= 0, end >= begin else {
            throw ModelFormatError("tensor \(name): data_offsets [\(begin), \(end)] are not a byte range")
        }
        var count = 1
        for d in entry.shape {
            guard d >= 0 else { throw ModelFormatError("tensor \(name): shape \(entry.shape) has a negative size") }
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw ModelFormatError("tensor \(name): shape \(entry.shape) has more elements than memory can address")
            }
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow, byteCount == end - begin else {
            throw ModelFormatError(
                "tensor \(name): shape \(entry.shape) of \(entry.dtype) needs \(overflow ? "more" : String(byteCount)) "
                    + "bytes but data_offsets [\(begin), \(end)] hold \(end - begin)")
        }
        tensors.append(CheckedTensor(name: name, dtype: entry.dtype, shape: entry.shape, begin: begin, end: end))
    }

    // The byte ranges must tile [0, dataSize) exactly.
    let ordered = tensors.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
    var position = 0
    var previous: CheckedTensor?
    for t in ordered {
        if let previous, t.begin < position {
            throw ModelFormatError(
                "tensors \(previous.name) and \(t.name) overlap: \(t.name) begins at byte \(t.begin), "
                    + "before \(previous.name) ends at \(previous.end)")
        }
        if t.begin > position {
            throw ModelFormatError(
                "a gap of \(t.begin - position) bytes in the data before tensor \(t.name) (at byte \(position))")
        }
        if t.end > dataSize {
            throw ModelFormatError(
                "truncated: tensor \(t.name) ends at byte \(t.end) of the data but the file holds \(dataSize)")
        }
        position = t.end
        previous = t
    }
    if position < dataSize {
        throw ModelFormatError("\(dataSize - position) bytes after the last tensor's data belong to no tensor")
    }
    return (tensors, header.metadata, headerEnd)
}

/// A float tensor's elements as Doubles, each exactly (every F32, F16 and BF16 value is a Double).
private func widen(_ t: CheckedTensor, _ bytes: [UInt8], _ dataStart: Int) throws(ModelFormatError) -> [Double] {
    let start = dataStart + t.begin
    let count = (t.end - t.begin) / (dtypeSizes[t.dtype] ?? 1)
    var out = [Double](repeating: 0, count: count)
    bytes.withUnsafeBytes { raw in
        let base = raw.baseAddress! + start
        switch t.dtype {
        case "F64":
            for i in 0..<count {
                out[i] = Double(
                    bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
            }
        case "F32":
            for i in 0..<count {
                out[i] = Double(
                    Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
            }
        case "F16":
            for i in 0..<count {
                out[i] = widenHalf(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case "BF16":
            for i in 0..<count {
                out[i] = widenBFloat16(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        default:
            break
        }
    }
    guard ["F64", "F32", "F16", "BF16"].contains(t.dtype) else {
        throw ModelFormatError(
            "tensor \(t.name) has dtype \(t.dtype); a model's weight and bias must be F64, F32, F16 or BF16")
    }
    if let i = out.firstIndex(where: { !$0.isFinite }) {
        let place = t.shape.count == 2 ? "[\(i / t.shape[1])][\(i % t.shape[1])]" : "[\(i)]"
        throw ModelFormatError("tensor \(t.name)\(place) is \(out[i]), not a finite number")
    }
    return out
}

/// IEEE binary16 → Double, exactly: sign, 5-bit exponent (bias 15), 10-bit fraction; subnormals are
/// fraction·2^−24; exponent 31 is ±∞ or NaN.
package func widenHalf(_ h: UInt16) -> Double {
    let sign: Double = h & 0x8000 != 0 ? -1 : 1
    let exponent = Int(h >> 10) & 0x1F
    let fraction = Double(h & 0x3FF)
    switch exponent {
    case 0: return sign * fraction * 0x1p-24
    case 31: return fraction == 0 ? sign * .infinity : .nan
    default: return sign * (1 + fraction * 0x1p-10) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
    }
}

/// bfloat16 → Double, exactly: the upper half of an IEEE binary32.
package func widenBFloat16(_ b: UInt16) -> Double {
    Double(Float(bitPattern: UInt32(b) << 16))
}
