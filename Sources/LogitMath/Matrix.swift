/// A dense row-major matrix of Doubles: one contiguous buffer, element `[r, c]` at `r * columns + c`.
///
/// It exists so a batch or a weight matrix is one allocation that a loop can stream through, rather than
/// `[[Double]]`, which is one heap array per row and lets rows differ in length. Both dimensions are at
/// least 1, checked by the initialisers.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// Row-major: row `r` is `elements[r * columns ..< (r + 1) * columns]`.
    public private(set) var elements: [Double]

    /// Wraps `elements` (row-major) as a `rows × columns` matrix.
    public init(rows: Int, columns: Int, elements: [Double]) throws(MathError) {
        guard rows > 0, columns > 0 else { throw .empty(path: []) }
        guard rows.multipliedReportingOverflow(by: columns) == (elements.count, false) else {
            throw .elementCountMismatch(count: elements.count, rows: rows, columns: columns)
        }
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// Copies a batch of equal-length, non-empty rows.
    public init(rows: [[Double]]) throws(MathError) {
        guard let first = rows.first else { throw .empty(path: []) }
        guard !first.isEmpty else { throw .empty(path: [0]) }
        var elements: [Double] = []
        elements.reserveCapacity(rows.count * first.count)
        for (r, row) in rows.enumerated() {
            guard row.count == first.count else {
                throw row.isEmpty ? .empty(path: [r]) : .raggedRow(row: r, count: row.count, expected: first.count)
            }
            elements.append(contentsOf: row)
        }
        self.rows = rows.count
        self.columns = first.count
        self.elements = elements
    }

    /// Unchecked: callers inside the module guarantee `elements.count == rows * columns`, both > 0.
    init(uncheckedRows rows: Int, columns: Int, elements: [Double]) {
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    public subscript(row: Int, column: Int) -> Double {
        get {
            precondition((0..<rows).contains(row) && (0..<columns).contains(column), "index out of range")
            return elements[row * columns + column]
        }
        set {
            precondition((0..<rows).contains(row) && (0..<columns).contains(column), "index out of range")
            elements[row * columns + column] = newValue
        }
    }

    /// Row `r` as a slice of `elements` (no copy).
    public func row(_ r: Int) -> ArraySlice<Double> {
        precondition((0..<rows).contains(r), "row out of range")
        return elements[r * columns..<(r + 1) * columns]
    }

    /// The rows as nested arrays, for code that speaks `[[Double]]` (JSON encoders).
    public var arrays: [[Double]] {
        (0..<rows).map { Array(row($0)) }
    }
}
