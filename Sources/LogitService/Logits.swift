/// A vector or a batch of numbers, as sent and as answered: results mirror their input (API.md).
package enum Logits: Sendable, Equatable {
    case vector([Double])
    case batch([[Double]])

    /// The rows: one for a vector, each row of a batch.
    var rows: [[Double]] {
        switch self {
        case .vector(let v): [v]
        case .batch(let b): b
        }
    }

    var isBatch: Bool {
        if case .batch = self { return true }
        return false
    }

    /// Same shape as `self`, from rows in the same order.
    func withRows(_ rows: [[Double]]) -> Logits {
        isBatch ? .batch(rows) : .vector(rows[0])
    }

    /// Applies `f` to every row, keeping the shape.
    func mapRows<E: Error>(_ f: ([Double]) throws(E) -> [Double]) throws(E) -> Logits {
        switch self {
        case .vector(let v): return .vector(try f(v))
        case .batch(let b):
            var out: [[Double]] = []
            out.reserveCapacity(b.count)
            for row in b { out.append(try f(row)) }
            return .batch(out)
        }
    }

    /// The number of elements.
    var count: Int {
        switch self {
        case .vector(let v): v.count
        case .batch(let b): b.reduce(0) { $0 + $1.count }
        }
    }

    /// The number of elements in each row.
    var columns: Int { rows.first?.count ?? 0 }

    /// Checks the shape rules of API.md: non-empty, no empty row, every row as long as the first.
    /// `field` is the path of this value in the request, for the detail.
    func validated(field: String) throws(Problem) -> Logits {
        switch self {
        case .vector(let v):
            guard !v.isEmpty else { throw .unprocessable("\(field): must not be empty") }
        case .batch(let b):
            guard let first = b.first else { throw .unprocessable("\(field): must not be empty") }
            guard !first.isEmpty else { throw .unprocessable("\(field)[0]: must not be empty") }
            for (i, row) in b.enumerated() where row.count != first.count {
                throw .unprocessable(
                    "\(field)[\(i)] has \(row.count) elements but \(field)[0] has \(first.count)")
            }
        }
        return self
    }
}

extension Logits: Codable {
    /// A batch when the first element is an array, else a vector; the decoder then reports the
    /// first element that does not fit with its index path.
    package init(from decoder: any Decoder) throws {
        var probe = try decoder.unkeyedContainer()
        let value = try decoder.singleValueContainer()
        // A first element that reads as a number makes a vector, the common case, asked first
        // because a failed probe costs a thrown error (2 % of a small request's CPU); only
        // otherwise is it asked whether it is an array.
        if probe.isAtEnd || (try? probe.decode(Double.self)) != nil {
            self = .vector(try value.decode([Double].self))
        } else if var again = try? decoder.unkeyedContainer(), (try? again.nestedUnkeyedContainer()) != nil {
            self = .batch(try value.decode([[Double]].self))
        } else {
            self = .vector(try value.decode([Double].self))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .vector(let v): try container.encode(v)
        case .batch(let b): try container.encode(b)
        }
    }
}
