import TestSupport
import Testing

@testable import LogitMath

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

    /// Rows are computed four at a time; a row's value must not depend on which rows share its group, so every
    /// row of a layer equals the same row alone (m = 1) on random inputs, for every m mod 4 and n mod 4.
    @Test(arguments: [(1, 7), (2, 64), (3, 65), (5, 130), (6, 3), (7, 2049), (9, 200)])
    func rowIndependentOfItsGroup(_ shape: (rows: Int, columns: Int)) throws {
        var random = SplitMix64(seed: UInt64(shape.rows * 10_000 + shape.columns))
        let (m, n) = shape
        let w = try Matrix(
            rows: m, columns: n, elements: (0..<m * n).map { _ in Double.random(in: -1...1, using: &random) })
        let x = (0..<n).map { _ in Double.random(in: -3...3, using: &random) }
        let b = (0..<m).map { _ in Double.random(in: -1...1, using: &random) }
        let all = try linear(weights: w, bias: b, input: x)
        for j in 0..<m {
            let alone = try linear(
                weights: Matrix(rows: 1, columns: n, elements: Array(w.row(j))), bias: [b[j]], input: x)
            #expect(all[j] == alone[0], "row \(j) of \(m)×\(n)")
        }
    }

    /// The AVX kernel (chosen at run time where the CPU has it) computes the same sums as the baseline one,
    /// bit for bit, so an answer does not depend on the machine: random layers for every m mod 4 and n mod
    /// 4, n below, at and across the 64-column block, with magnitudes spread over 2⁻³⁰…2³⁰ so that the order
    /// of the additions shows in the last bits.
    @Test(
        .enabled(if: DotKernel.preferred == .avx, "this CPU has no AVX"),
        arguments: [(1, 1), (2, 3), (3, 4), (4, 5), (5, 63), (6, 64), (7, 65), (9, 130), (13, 2051), (1000, 2048)])
    func avxKernelEqualsTheBaselineBitForBit(_ shape: (rows: Int, columns: Int)) throws {
        var random = SplitMix64(seed: UInt64(shape.rows * 100_000 + shape.columns))
        func value() -> Double {
            Double.random(in: -1...1, using: &random)
                * Double(sign: .plus, exponent: .random(in: -30...30, using: &random), significand: 1)
        }
        let (m, n) = shape
        let w = try Matrix(rows: m, columns: n, elements: (0..<m * n).map { _ in value() })
        let x = try Matrix(rows: 3, columns: n, elements: (0..<3 * n).map { _ in value() })
        let b = (0..<m).map { _ in value() }
        let avx = try linear(weights: w, bias: b, inputs: x, kernel: .avx)
        let baseline = try linear(weights: w, bias: b, inputs: x, kernel: .baseline)
        let differing = zip(avx.elements, baseline.elements).enumerated().filter { $1.0.bitPattern != $1.1.bitPattern }
        let first = differing.first.map { "first at \($0.offset): \($0.element.0) against \($0.element.1)" } ?? ""
        #expect(differing.count == 0, "\(m)×\(n): results differ, \(first)")
    }

    /// The summation's documented bound (Linear.swift, `dot4`): |y − (W·x + b)| ≤ γ(k)·(Σ|w_i·x_i| + |b|) with
    /// k = 16 + n/64 + 6 roundings, against a reference carried in twice the precision (each product split
    /// exactly by an FMA, the parts summed with Neumaier's compensation), on a 1000-class head's row shape.
    @Test func errorWithinTheSummationBound() throws {
        var random = SplitMix64(seed: 2048)
        let (m, n) = (8, 2048)
        let w = try Matrix(
            rows: m, columns: n, elements: (0..<m * n).map { _ in Double.random(in: -0.2...0.2, using: &random) })
        let x = (0..<n).map { _ in Double.random(in: -3...3, using: &random) }
        let b = (0..<m).map { _ in Double.random(in: -0.1...0.1, using: &random) }
        let y = try linear(weights: w, bias: b, input: x)
        let u = Double.ulpOfOne / 2
        let k = Double(16 + n / 64 + 6)
        let gamma = k * u / (1 - k * u)
        for j in 0..<m {
            var (sum, compensation, magnitude) = (0.0, 0.0, abs(b[j]))
            func add(_ t: Double) {
                let s = sum + t
                compensation += abs(sum) >= abs(t) ? (sum - s) + t : (t - s) + sum
                sum = s
            }
            add(b[j])
            for i in 0..<n {
                let p = w[j, i] * x[i]
                add(p)
                add((-p).addingProduct(w[j, i], x[i]))
                magnitude += abs(p)
            }
            let reference = sum + compensation
            #expect(abs(y[j] - reference) <= gamma * magnitude, "row \(j): \(y[j]) vs \(reference)")
        }
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
