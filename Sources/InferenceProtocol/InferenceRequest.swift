import JSONCodec
package import LogitMath

/// An inference request of the Open Inference Protocol, decoded: the one input tensor as the rows the math
/// uses, and what the answer should hold.
package struct InferenceRequest: Sendable {
    /// Echoed in the response.
    package var id: String?
    /// The input's name as sent (any name is accepted: a model has one input).
    package var inputName: String
    /// The datatype the client declared; the values are in `rows` as Doubles either way.
    package var datatype: Datatype
    /// k×n: `shape` [k, n], or [n] as one row.
    package var rows: Matrix
    /// The outputs asked for, in the order asked; nil for all of the model's outputs.
    package var outputs: [RequestedOutput]?
    /// `parameters.binary_data_output`: outputs that don't say otherwise are binary.
    package var binaryDataOutput: Bool

    package init(
        id: String? = nil, inputName: String, datatype: Datatype = .fp64, rows: Matrix,
        outputs: [RequestedOutput]? = nil, binaryDataOutput: Bool = false
    ) {
        self.id = id
        self.inputName = inputName
        self.datatype = datatype
        self.rows = rows
        self.outputs = outputs
        self.binaryDataOutput = binaryDataOutput
    }
}

/// One entry of a request's `outputs`.
package struct RequestedOutput: Sendable, Equatable {
    package var name: String
    /// `parameters.binary_data`; nil leaves it to the request's `binary_data_output`.
    package var binaryData: Bool?
    /// `parameters.classification`: the K most probable, as `"value:index:label"` strings.
    package var classification: Int?

    package init(name: String, binaryData: Bool? = nil, classification: Int? = nil) {
        self.name = name
        self.binaryData = binaryData
        self.classification = classification
    }
}

// MARK: The JSON header, as sent

/// The request's JSON (all of the body, or its first `Inference-Header-Content-Length` bytes). Members the
/// protocol defines but logitd does not use (`parameters.priority`, `timeout`, a client's own parameters)
/// are ignored, as other V2 servers ignore them; the members read are type-checked.
struct RequestHeader: Decodable {
    var id: String?
    var inputs: [InputTensorHeader]
    var outputs: [OutputHeader]?
    var binaryDataOutput: Bool?

    enum CodingKeys: String, CodingKey {
        case id, inputs, outputs, parameters
    }

    enum ParameterKeys: String, CodingKey {
        case binaryDataOutput = "binary_data_output"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        inputs = try c.decode([InputTensorHeader].self, forKey: .inputs)
        outputs = try c.decodeIfPresent([OutputHeader].self, forKey: .outputs)
        if try c.has(.parameters) {
            let p = try c.nestedContainer(keyedBy: ParameterKeys.self, forKey: .parameters)
            binaryDataOutput = try p.decodeIfPresent(Bool.self, forKey: .binaryDataOutput)
        }
    }
}

/// One entry of `inputs`: `data` is read as its `datatype` says, so the type must be known first.
struct InputTensorHeader: Decodable {
    var name: String
    var shape: [Int]
    var datatype: Datatype
    /// `parameters.binary_data_size`: the tensor is a blob after the JSON, this long.
    var binaryDataSize: Int?
    /// The elements, flattened row-major, widened to Double; nil when the tensor is binary.
    var data: [Double]?

    enum CodingKeys: String, CodingKey {
        case name, shape, datatype, parameters, data
    }

    enum ParameterKeys: String, CodingKey {
        case binaryDataSize = "binary_data_size"
        case sharedMemoryRegion = "shared_memory_region"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        shape = try c.decode([Int].self, forKey: .shape)
        let typeName = try c.decode(String.self, forKey: .datatype)
        guard let datatype = Datatype(rawValue: typeName), datatype != .bytes else {
            throw DecodingError.dataCorruptedError(
                forKey: .datatype, in: c,
                debugDescription: "\(typeName) is not an input datatype; use one of \(Datatype.inputNames)")
        }
        self.datatype = datatype
        if try c.has(.parameters) {
            let p = try tensorParameters(c.nestedContainer(keyedBy: ParameterKeys.self, forKey: .parameters))
            binaryDataSize = try p.decodeIfPresent(Int.self, forKey: .binaryDataSize)
            if let size = binaryDataSize, size < 0 {
                throw DecodingError.dataCorruptedError(
                    forKey: .binaryDataSize, in: p, debugDescription: "must not be negative, found \(size)")
            }
        }
        if try c.has(.data) {
            guard let leaf = datatype.jsonLeaf else {
                throw DecodingError.dataCorruptedError(
                    forKey: .data, in: c,
                    debugDescription: "\(typeName) tensors have no JSON form; send them as binary (binary_data_size)")
            }
            guard let values = try flattenedNumbers(of: try c.superDecoder(forKey: .data), as: leaf) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .data, in: c, debugDescription: "tensor data is read only by JSONCodec's decoder")
            }
            data = values
        }
    }
}

/// One entry of `outputs`.
struct OutputHeader: Decodable {
    var name: String
    var binaryData: Bool?
    var classification: Int?

    enum CodingKeys: String, CodingKey {
        case name, parameters
    }

    enum ParameterKeys: String, CodingKey {
        case binaryData = "binary_data"
        case classification
        case sharedMemoryRegion = "shared_memory_region"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        if try c.has(.parameters) {
            let p = try tensorParameters(c.nestedContainer(keyedBy: ParameterKeys.self, forKey: .parameters))
            binaryData = try p.decodeIfPresent(Bool.self, forKey: .binaryData)
            classification = try p.decodeIfPresent(Int.self, forKey: .classification)
            if let k = classification, k < 1 {
                throw DecodingError.dataCorruptedError(
                    forKey: .classification, in: p, debugDescription: "must be at least 1, found \(k)")
            }
        }
    }
}

/// A tensor's `parameters`, refused when they ask for the shared-memory extension, which logitd does not have
/// (the data would be in a region the client mapped, not in the body).
private func tensorParameters<Key: CodingKey>(_ p: KeyedDecodingContainer<Key>) throws -> KeyedDecodingContainer<Key> {
    if let key = Key(stringValue: "shared_memory_region"), try p.has(key) {
        throw DecodingError.dataCorruptedError(forKey: key, in: p, debugDescription: "shared memory is not supported")
    }
    return p
}

extension KeyedDecodingContainer {
    /// The member is there and not `null`: API.md's rule that `null` for an optional field means the field is
    /// absent (`decodeIfPresent` already reads it so for the scalar members).
    fileprivate func has(_ key: Key) throws -> Bool {
        try contains(key) && !decodeNil(forKey: key)
    }
}
