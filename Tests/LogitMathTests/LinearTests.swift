import LogitMath
import Testing

@Suite struct LinearTests {
    let weights = try! Matrix(rows: [[1, 2, 3], [-1, 0.5, 4]])

    /// W·x + b by hand: [1·1 + 2·2 + 3·3 + 0.5, −1 + 1 + 12 − 1] (all exact in binary).
    @Test func computesWxPlusB() throws {
        #expect(try linear(weights: weights, bias: [0.5, -1], input: [1, 2, 3]) == [14.5, 11])
        #expect(try linear(weights: weights, bias: nil, input: [1, 2, 3]) == [14, 12])
    }

    /// Row k of the batched result equals the vector form on row k of the inputs.
    @Test func batchMatchesRows() throws {
        let inputs = try Matrix(rows: [[1, 2, 3], [0, 0, 0], [-2, 0.25, 1e3]])
        let out = try linear(weights: weights, bias: [1, 2], inputs: inputs)
        #expect(out.rows == 3 && out.columns == 2)
        for k in 0..<3 {
            #expect(Array(out.row(k)) == (try linear(weights: weights, bias: [1, 2], input: Array(inputs.row(k)))))
        }
    }

    /// Lengths not divisible by the 4-way unrolling, against a plain loop with exactly representable sums.
    @Test(arguments: [1, 2, 3, 4, 5, 7, 8, 9, 1000])
    func anyLength(_ n: Int) throws {
        let w = try Matrix(rows: 2, columns: n, elements: (0..<2 * n).map { Double($0 % 7) - 3 })
        let x = (0..<n).map { Double($0 % 5) }
        let expected = (0..<2).map { j in (0..<n).reduce(0.0) { $0 + w[j, $1] * x[$1] } }
        #expect(try linear(weights: w, bias: nil, input: x) == expected)
    }

    @Test func reportsBothShapes() throws {
        #expect(throws: MathError.columnMismatch(inputCount: 4, weightColumns: 3)) {
            try linear(weights: weights, bias: nil, input: [1, 2, 3, 4])
        }
        #expect(throws: MathError.biasMismatch(biasCount: 3, weightRows: 2)) {
            try linear(weights: weights, bias: [1, 2, 3], input: [1, 2, 3])
        }
        #expect(throws: MathError.columnMismatch(inputCount: 2, weightColumns: 3)) {
            try linear(weights: weights, bias: nil, inputs: Matrix(rows: [[1, 2]]))
        }
        #expect(throws: MathError.empty(path: [])) { try linear(weights: weights, bias: nil, input: []) }
    }

    /// An overflowing output is refused with its index; a non-finite input with its path.
    @Test func reportsNonFinitePlaces() throws {
        let big = try Matrix(rows: [[1, 1], [1e308, 1e308]])
        #expect(throws: MathError.nonFiniteResult(path: [1])) {
            try linear(weights: big, bias: nil, input: [1, 1])
        }
        #expect(throws: MathError.nonFiniteResult(path: [1, 1])) {
            try linear(weights: big, bias: nil, inputs: Matrix(rows: [[0, 0], [1, 1]]))
        }
        #expect(throws: MathError.nonFiniteInput(path: [1])) {
            try linear(weights: big, bias: nil, input: [1, .nan])
        }
        #expect(throws: MathError.nonFiniteInput(path: [1, 0])) {
            try linear(weights: big, bias: nil, inputs: Matrix(rows: [[0, 0], [.infinity, 1]]))
        }
    }
}
