import JSONCodec

/// An inference response of the Open Inference Protocol, before it is written.
package struct InferenceResponse: Sendable {
    package var modelName: String
    /// Written as a string, as the protocol does.
    package var modelVersion: Int
    package var id: String?
    /// In the order the request asked for them (or the model's order when it asked for all).
    package var outputs: [OutputTensor]

    package init(modelName: String, modelVersion: Int, id: String?, outputs: [OutputTensor]) {
        self.modelName = modelName
        self.modelVersion = modelVersion
        self.id = id
        self.outputs = outputs
    }

    /// The body to send and, when any output is binary, the JSON header's length: the transport sends it as
    /// `Inference-Header-Content-Length` with `Content-Type: application/octet-stream`; nil means the body is
    /// all JSON (`application/json`).
    ///
    /// Binary blobs follow the header in output order, each written straight from the result: little-endian
    /// FP64 and INT64 elements, and for BYTES a 4-byte little-endian length before each string's bytes.
    package func encoded() -> (body: [UInt8], headerLength: Int?) {
        var body: [UInt8]
        do {
            body = try encodeJSON(Header(response: self))
        } catch {
            // The tensors hold finite Doubles (the math refuses others), integers and strings.
            preconditionFailure("an inference response could not be written as JSON: \(error)")
        }
        guard outputs.contains(where: \.binary) else { return (body, nil) }
        let headerLength = body.count
        body.reserveCapacity(headerLength + outputs.reduce(0) { $0 + ($1.binary ? $1.data.binarySize : 0) })
        for output in outputs where output.binary {
            output.data.appendBinary(to: &body)
        }
        return (body, headerLength)
    }

    /// The JSON header: a binary output carries `parameters.binary_data_size` in place of `data`.
    private struct Header: Encodable {
        var response: InferenceResponse

        enum CodingKeys: String, CodingKey {
            case modelName = "model_name"
            case modelVersion = "model_version"
            case id, outputs
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(response.modelName, forKey: .modelName)
            try c.encode(String(response.modelVersion), forKey: .modelVersion)
            try c.encodeIfPresent(response.id, forKey: .id)
            try c.encode(response.outputs, forKey: .outputs)
        }
    }
}

/// One output tensor: its data flat, row-major.
package struct OutputTensor: Sendable, Equatable, Encodable {
    package var name: String
    package var datatype: Datatype
    package var shape: [Int]
    package var data: TensorData
    /// Sent as a blob after the JSON header rather than as `data`.
    package var binary: Bool

    package init(name: String, datatype: Datatype, shape: [Int], data: TensorData, binary: Bool = false) {
        self.name = name
        self.datatype = datatype
        self.shape = shape
        self.data = data
        self.binary = binary
    }

    enum CodingKeys: String, CodingKey {
        case name, datatype, shape, parameters, data
    }

    enum ParameterKeys: String, CodingKey {
        case binaryDataSize = "binary_data_size"
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(datatype.rawValue, forKey: .datatype)
        try c.encode(shape, forKey: .shape)
        if binary {
            var p = c.nestedContainer(keyedBy: ParameterKeys.self, forKey: .parameters)
            try p.encode(data.binarySize, forKey: .binaryDataSize)
        } else {
            switch data {
            case .doubles(let values): try c.encode(values, forKey: .data)
            case .integers(let values): try c.encode(values, forKey: .data)
            case .strings(let values): try c.encode(values, forKey: .data)
            }
        }
    }
}

/// A tensor's elements: FP64, INT64 or BYTES.
package enum TensorData: Sendable, Equatable {
    case doubles([Double])
    case integers([Int])
    case strings([String])

    /// The blob's size in bytes.
    var binarySize: Int {
        switch self {
        case .doubles(let values): 8 * values.count
        case .integers(let values): 8 * values.count
        case .strings(let values): values.reduce(0) { $0 + 4 + $1.utf8.count }
        }
    }

    func appendBinary(to body: inout [UInt8]) {
        switch self {
        case .doubles(let values):
            #if _endian(little)
                values.withUnsafeBytes { body.append(contentsOf: $0) }
            #else
                for value in values { appendLittleEndian(value.bitPattern, to: &body) }
            #endif
        case .integers(let values):
            for value in values { appendLittleEndian(Int64(value), to: &body) }
        case .strings(let values):
            for value in values {
                appendLittleEndian(UInt32(value.utf8.count), to: &body)
                body.append(contentsOf: value.utf8)
            }
        }
    }
}

private func appendLittleEndian<I: FixedWidthInteger>(_ value: I, to body: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { body.append(contentsOf: $0) }
}
