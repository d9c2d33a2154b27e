import JSONCodec
package import LogitMath

/// A vector or a batch of numbers, as sent and as answered (results mirror their input, API.md):
/// one contiguous `Matrix` (a vector is one row) and whether it came as a single vector.
package struct Batch: Sendable, Equatable {
    package var matrix: Matrix
    package var isVector: Bool

    package init(_ matrix: Matrix, isVector: Bool) {
        self.matrix = matrix
        self.isVector = isVector
    }

    /// The number of elements.
    package var count: Int { matrix.elements.count }

    /// `other` (as many rows as `self`) in the shape `self` was sent in.
    func shaped(_ other: Matrix) -> Batch { Batch(other, isVector: isVector) }
}

extension Batch {
    /// A vector or rows of finite numbers, read straight from a JSON document; nil for anything
    /// else (empty, ragged, not numbers), which `VectorOrRows` then decodes and names.
    init?(_ json: JSONValue) {
        guard let numbers = json.numbers,
            let matrix = try? Matrix(rows: numbers.rows, columns: numbers.columns, elements: numbers.elements)
        else { return nil }
        self.init(matrix, isVector: numbers.isVector)
    }
}

/// The JSON form, before its shape is checked: a flat vector or rows.
enum VectorOrRows: Decodable {
    case vector([Double])
    case rows([[Double]])

    /// A batch when the first element is an array, else a vector; the decoder then reports the
    /// first element that does not fit with its index path.
    init(from decoder: any Decoder) throws {
        var probe = try decoder.unkeyedContainer()
        let value = try decoder.singleValueContainer()
        // A first element that reads as a number makes a vector, the common case, asked first
        // because a failed probe costs a thrown error; only otherwise is it asked whether it is an array.
        if probe.isAtEnd || (try? probe.decode(Double.self)) != nil {
            self = .vector(try value.decode([Double].self))
        } else if var again = try? decoder.unkeyedContainer(), (try? again.nestedUnkeyedContainer()) != nil {
            self = .rows(try value.decode([[Double]].self))
        } else {
            self = .vector(try value.decode([Double].self))
        }
    }

    /// The shape rules of API.md (non-empty, no empty row, every row as long as the first), checked
    /// by `Matrix` and its errors named after `field`.
    func batch(field: String) throws(APIError) -> Batch {
        do {
            switch self {
            case .vector(let v): return Batch(try Matrix(rows: 1, columns: v.count, elements: v), isVector: true)
            case .rows(let rows): return Batch(try Matrix(rows: rows), isVector: false)
            }
        } catch {
            // A vector's only way to fail is to be empty: its place is the field itself.
            if case .vector = self { throw APIError(.empty(path: []), field: field) }
            throw APIError(error, field: field)
        }
    }
}

extension Batch: Encodable {
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if isVector {
            try container.encode(matrix.elements)
        } else {
            try container.encode(matrix.arrays)
        }
    }
}
