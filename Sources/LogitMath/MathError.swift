/// Why a LogitMath function refused its input or its result.
///
/// Each case carries data, not prose: shapes as counts and places as index paths (`[row, column]` for a
/// batch, `[i]` for a vector), so the service can write `"input has 4 elements but weights has 5 columns"`
/// or `"logits[1][2]: not finite"` in its own words and field names.
public enum MathError: Error, Equatable, Sendable {
    /// An array that must hold at least one number is empty; `path` locates it (`[]` is the whole input,
    /// `[2]` is row 2 of a batch).
    case empty(path: [Int])
    /// Row `row` of a batch or matrix has `count` elements where the first row set `expected`.
    case raggedRow(row: Int, count: Int, expected: Int)
    /// A row-major matrix was given `count` elements, which is not `rows × columns`.
    case elementCountMismatch(count: Int, rows: Int, columns: Int)
    /// `W·x`: the input has `inputCount` elements but the weights have `weightColumns` columns.
    case columnMismatch(inputCount: Int, weightColumns: Int)
    /// `W·x + b`: the bias has `biasCount` elements but the weights have `weightRows` rows (outputs).
    case biasMismatch(biasCount: Int, weightRows: Int)
    /// An input element is NaN or infinite.
    case nonFiniteInput(path: [Int])
    /// A result overflowed (a linear layer's output, a log-probability below −1.8e308).
    case nonFiniteResult(path: [Int])
    /// A temperature that is not finite and > 0.
    case invalidTemperature(Double)
    /// `topK` was asked for `k` of `count` elements, outside `1...count`.
    case invalidK(k: Int, count: Int)
}

extension MathError {
    /// The same error, its index path placed inside row `row` of a batch.
    func inRow(_ row: Int) -> MathError {
        switch self {
        case .empty(let path): .empty(path: [row] + path)
        case .nonFiniteInput(let path): .nonFiniteInput(path: [row] + path)
        case .nonFiniteResult(let path): .nonFiniteResult(path: [row] + path)
        default: self
        }
    }
}
