package import LogitMath

/// Why a request was refused, in words that name the field and, for an element, its index path
/// (`logits[1][2]: …`): the caller must be able to see what to fix from the message alone.
package struct APIError: Error, Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// The body is not in the wire format at all (not JSON): HTTP 400.
        case malformed
        /// Well-formed, but it does not fit the operation: HTTP 422.
        case invalid
        /// It names a served model, or a version of one, that is not there: HTTP 404.
        case notFound
    }

    package var kind: Kind
    package var detail: String

    package init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    package static func invalid(_ detail: String) -> APIError { APIError(.invalid, detail) }

    /// A `MathError` in the request's own field names: the one place LogitMath's refusals become
    /// words. `field` names the array the error's index path points into.
    package init(_ error: MathError, field: String) {
        func place(_ path: [Int]) -> String { field + path.map { "[\($0)]" }.joined() }
        let detail: String
        switch error {
        case .empty(let path): detail = "\(place(path)): must not be empty"
        case .raggedRow(let row, let count, let expected):
            detail = "\(field)[\(row)] has \(count) elements but \(field)[0] has \(expected)"
        case .elementCountMismatch(let count, let rows, let columns):
            detail = "\(field): \(count) elements do not make a \(rows)×\(columns) matrix"
        case .columnMismatch(let inputCount, let weightColumns):
            detail = "\(field) has \(inputCount) elements but weights has \(weightColumns) columns"
        case .biasMismatch(let biasCount, let weightRows):
            detail = "bias has \(biasCount) elements but weights has \(weightRows) rows"
        case .nonFiniteInput(let path): detail = "\(place(path)): not a finite number"
        case .nonFiniteResult(let path): detail = "\(place(path)): the result is not finite"
        case .invalidTemperature(let t): detail = "temperature: must be a finite number greater than 0, got \(t)"
        case .invalidK(let k, let count):
            detail = "top_k: must be between 1 and \(count) (the number of classes), got \(k)"
        }
        self.init(.invalid, detail)
    }

    /// As `init(_:field:)` for an operation on `batch`: a vector's errors name its element alone
    /// (`logits[3]`), a batch's the row too (`logits[1][3]`).
    init(_ error: MathError, field: String, shapedAs batch: Batch) {
        guard batch.isVector else {
            if case .columnMismatch(let inputCount, let weightColumns) = error {
                self.init(
                    .invalid, "\(field) rows have \(inputCount) elements but weights has \(weightColumns) columns")
            } else {
                self.init(error, field: field)
            }
            return
        }
        switch error {
        case .nonFiniteInput(let path) where path.first == 0:
            self.init(.nonFiniteInput(path: Array(path.dropFirst())), field: field)
        case .nonFiniteResult(let path) where path.first == 0:
            self.init(.nonFiniteResult(path: Array(path.dropFirst())), field: field)
        case .empty(let path) where path.first == 0:
            self.init(.empty(path: Array(path.dropFirst())), field: field)
        default:
            self.init(error, field: field)
        }
    }
}

/// Runs a LogitMath call on `batch`, its refusal translated with `field`.
func math<T>(_ field: String, _ batch: Batch, _ body: () throws(MathError) -> T) throws(APIError) -> T {
    do {
        return try body()
    } catch {
        throw APIError(error, field: field, shapedAs: batch)
    }
}
