import JSONCodec
import LogitMath

extension InferenceRequest {
    /// Reads the value of `Inference-Header-Content-Length`: nil when the header is absent (the body is all
    /// JSON), else a non-negative decimal integer.
    package static func headerLength(_ value: String?) throws(InferenceError) -> Int? {
        guard let value else { return nil }
        let digits = value.utf8
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ (0x30...0x39).contains($0) }),
            let length = Int(value)
        else {
            throw .badRequest("Inference-Header-Content-Length must be a byte count, found \"\(value)\"")
        }
        return length
    }

    /// Decodes a request body: all JSON, or (binary tensor extension) a JSON header of `headerLength` bytes
    /// followed by the input's blob.
    ///
    /// Everything declared is checked against what arrived before anything is allocated from it: the header
    /// length against the body, the shape's element count for overflow, the blob's `binary_data_size` against
    /// the element count times the datatype's size and against the bytes after the header. A binary tensor
    /// is read from the body straight into the rows the math uses (one allocation, sized by the checked count).
    ///
    /// - Throws: `InferenceError.badRequest` naming the problem.
    package init(body: [UInt8], headerLength: Int?) throws(InferenceError) {
        let jsonEnd = headerLength ?? body.count
        guard jsonEnd <= body.count else {
            throw .badRequest(
                "Inference-Header-Content-Length is \(jsonEnd) but the body has only \(body.count) bytes")
        }
        let header: RequestHeader
        do {
            header = try decodeJSON(RequestHeader.self, from: jsonEnd == body.count ? body : Array(body[..<jsonEnd]))
        } catch let error as JSONDecodingError {
            throw .badRequest(error.description)
        } catch let error as InferenceError {
            throw error
        } catch {
            throw .badRequest("\(error)")
        }
        guard header.inputs.count == 1 else {
            throw .badRequest("inputs must hold exactly one tensor, found \(header.inputs.count)")
        }
        let input = header.inputs[0]
        let (rows, columns) = try Self.matrixShape(input.shape)
        let count = rows * columns
        let blobBytes = body.count - jsonEnd

        let elements: [Double]
        switch (input.data, input.binaryDataSize) {
        case (.some, .some):
            throw .badRequest("inputs[0] has both data and parameters.binary_data_size; send one")
        case (nil, nil):
            throw .badRequest("inputs[0] has no data and no parameters.binary_data_size")
        case (let data?, nil):
            guard data.count == count else {
                throw .badRequest(
                    "inputs[0].shape \(input.shape) has \(count) elements but data has \(data.count)")
            }
            guard blobBytes == 0 else {
                throw .badRequest(
                    "\(blobBytes) bytes follow the JSON header (Inference-Header-Content-Length \(jsonEnd)) "
                        + "but no tensor has parameters.binary_data_size")
            }
            elements = data
        case (nil, let size?):
            guard headerLength != nil else {
                throw .badRequest(
                    "inputs[0] has parameters.binary_data_size but the request has no Inference-Header-Content-Length")
            }
            // elementSize is at most 8 and count ≤ Int.max: the product can still overflow.
            let elementSize = input.datatype.elementSize!
            let (expected, overflow) = count.multipliedReportingOverflow(by: elementSize)
            guard !overflow, size == expected else {
                throw .badRequest(
                    "inputs[0].parameters.binary_data_size is \(size) but shape \(input.shape) of "
                        + "\(input.datatype.rawValue) needs \(count) × \(elementSize) bytes")
            }
            guard size == blobBytes else {
                throw .badRequest(
                    "binary_data_size adds up to \(size) bytes but \(blobBytes) follow the JSON header "
                        + "(Inference-Header-Content-Length \(jsonEnd) of a \(body.count)-byte body)")
            }
            elements = try Self.readBlob(body, from: jsonEnd, count: count, as: input.datatype)
        }
        guard let matrix = try? Matrix(rows: rows, columns: columns, elements: elements) else {
            preconditionFailure("element count checked against the shape")
        }
        self.init(
            id: header.id, inputName: input.name, datatype: input.datatype, rows: matrix,
            outputs: header.outputs?.map {
                RequestedOutput(name: $0.name, binaryData: $0.binaryData, classification: $0.classification)
            },
            binaryDataOutput: header.binaryDataOutput ?? false)
    }

    /// (k, n) from `[k, n]` or `[n]` (one row), each dimension at least 1, k × n without overflow.
    static func matrixShape(_ shape: [Int]) throws(InferenceError) -> (rows: Int, columns: Int) {
        let (rows, columns): (Int, Int)
        switch shape.count {
        case 1: (rows, columns) = (1, shape[0])
        case 2: (rows, columns) = (shape[0], shape[1])
        default: throw .badRequest("inputs[0].shape must be [k, n] or [n], found \(shape)")
        }
        guard rows >= 1, columns >= 1 else {
            throw .badRequest("inputs[0].shape \(shape) has no elements; every dimension must be at least 1")
        }
        let (_, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow else {
            throw .badRequest("inputs[0].shape \(shape) has more elements than can be counted (the product overflows)")
        }
        return (rows, columns)
    }

    /// The blob at `offset` (checked: exactly `count` elements of `datatype` to the end of `body`), widened.
    private static func readBlob(_ body: [UInt8], from offset: Int, count: Int, as datatype: Datatype)
        throws(InferenceError) -> [Double]
    {
        // Capacity 0 would write the runtime's shared empty array, a data race with any thread reading one.
        guard count > 0 else { return [] }
        var bad: Int? = nil
        let elements = body.withUnsafeBytes { bytes in
            [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
                bad = datatype.read(UnsafeRawBufferPointer(rebasing: bytes[offset...]), count: count, into: buffer)
                initialized = bad == nil ? count : 0
            }
        }
        if let bad {
            let what = datatype == .bool ? "not 0 or 1" : "not a finite number"
            throw .badRequest("inputs[0] element \(bad) of the binary \(datatype.rawValue) data is \(what)")
        }
        return elements
    }
}
