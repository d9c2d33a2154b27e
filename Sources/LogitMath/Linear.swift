// The seed's linear layer: y = W·x + b, and for a batch Y = X·Wᵀ + b (row k of Y is W·(row k of X) + b).
internal import CKernels

/// Columns summed into fresh accumulators before they join the running totals (see `dot4`; CKernels'
/// AVX form uses the same 64).
private let dotBlock = 64

/// Which `dot4` computes the product: the same sums either way, bit for bit (LinearTests), in SSE2's
/// 128-bit registers (baseline x86-64, what the build targets) or AVX's 256-bit ones.
enum DotKernel: Sendable {
    case baseline, avx

    /// AVX where the CPU and the OS have it (checked once): half the instructions for the same sums,
    /// so the product streams the weights faster (Benchmarks/README.md, "The head's product beside numpy").
    static let preferred: DotKernel = ckernels_has_avx() != 0 ? .avx : .baseline
}

/// The dot products of four rows of W (`w0`…`w3`) with `x`, each over `n` elements.
///
/// Why four rows at once: x is loaded once per group of four columns and used by all four rows, and the
/// four rows' 16 lanes are 8 independent addition chains in SSE2 registers (baseline x86-64), so the loop
/// is bound by streaming W from the cache rather than by the latency of one chain. Multiply then add, not
/// FMA: on baseline x86-64 `addingProduct` is a libm call per element. CKernels' `ckernels_dot4_avx` is
/// this function in AVX registers, chosen at run time (`DotKernel`).
///
/// The summation, the same for every row whichever rows it is computed with: each row has 4 lanes
/// (column c goes to lane c mod 4); a lane sums the products of a block of `dotBlock` columns (16 terms)
/// from zero, then adds that block sum to its running total; the 4 totals are added pairwise, then the
/// ≤ 3 leftover columns in order, then the caller adds the bias. A result thus goes through at most
/// k = 16 + ⌈n/64⌉ + 6 roundings (the product, 15 in its block, ⌈n/64⌉ totals, 2 pairwise, 3 leftovers, the
/// bias), so |error| ≤ γ(k)·(Σ|w_i·x_i| + |b|) with γ(k) = k·u/(1 − k·u), u = 2⁻⁵³: 54 u for n = 2048, where
/// four plain running sums would allow 518 u. (LinearTests checks the bound against a reference carried
/// in twice the precision.)
@inline(__always)
private func dot4(
    _ w0: UnsafePointer<Double>, _ w1: UnsafePointer<Double>, _ w2: UnsafePointer<Double>,
    _ w3: UnsafePointer<Double>, _ x: UnsafePointer<Double>, count n: Int
) -> SIMD4<Double> {
    @inline(__always) func load(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
    }
    var (t0, t1, t2, t3) = (SIMD4<Double>(), SIMD4<Double>(), SIMD4<Double>(), SIMD4<Double>())
    var i = 0
    while i < n & ~3 {
        let end = min(i + dotBlock, n & ~3)
        var (a0, a1, a2, a3) = (SIMD4<Double>(), SIMD4<Double>(), SIMD4<Double>(), SIMD4<Double>())
        while i < end {
            let xv = load(x + i)
            a0 += load(w0 + i) * xv
            a1 += load(w1 + i) * xv
            a2 += load(w2 + i) * xv
            a3 += load(w3 + i) * xv
            i += 4
        }
        t0 += a0
        t1 += a1
        t2 += a2
        t3 += a3
    }
    @inline(__always) func pairwise(_ v: SIMD4<Double>) -> Double { (v[0] + v[1]) + (v[2] + v[3]) }
    var sums = SIMD4(pairwise(t0), pairwise(t1), pairwise(t2), pairwise(t3))
    while i < n {
        sums += SIMD4(w0[i], w1[i], w2[i], w3[i]) * x[i]
        i += 1
    }
    return sums
}

private func checkShapes(weights: Matrix, bias: [Double]?, inputColumns: Int) throws(MathError) {
    guard inputColumns == weights.columns else {
        throw .columnMismatch(inputCount: inputColumns, weightColumns: weights.columns)
    }
    if let bias, bias.count != weights.rows {
        throw .biasMismatch(biasCount: bias.count, weightRows: weights.rows)
    }
}

/// Computes `W·x + b` for each row of `inputs` into `out` (rows × weights.rows); the first overflow is
/// reported as `[inputRow, output]`, or `[output]` when `vectorPaths`.
private func linearKernel(
    weights: Matrix, bias: [Double]?, inputs: UnsafeBufferPointer<Double>, inputRows: Int,
    into out: UnsafeMutableBufferPointer<Double>, vectorPaths: Bool, kernel: DotKernel
) throws(MathError) {
    let m = weights.rows
    let n = weights.columns
    let zeros = [Double](repeating: 0, count: bias == nil ? m : 0)
    try weights.elements.withUnsafeBufferPointer { (w) throws(MathError) in
        try (bias ?? zeros).withUnsafeBufferPointer { (b) throws(MathError) in
            let w = w.baseAddress!
            for k in 0..<inputRows {
                let x = inputs.baseAddress! + k * n
                let y = out.baseAddress! + k * m
                // Four rows at a time; the last group repeats its last row where m is not a multiple of 4
                // (the repeats are computed and dropped), so every row is summed the same way.
                var j = 0
                while j < m {
                    let rows = (j, min(j + 1, m - 1), min(j + 2, m - 1), min(j + 3, m - 1))
                    let (w0, w1, w2, w3) = (w + rows.0 * n, w + rows.1 * n, w + rows.2 * n, w + rows.3 * n)
                    var sums = SIMD4<Double>()
                    switch kernel {
                    case .baseline:
                        sums = dot4(w0, w1, w2, w3, x, count: n)
                    case .avx:
                        withUnsafeMutableBytes(of: &sums) { out in
                            ckernels_dot4_avx(
                                w0, w1, w2, w3, x, n, out.baseAddress!.assumingMemoryBound(to: Double.self))
                        }
                    }
                    for r in 0..<min(4, m - j) {
                        let value = sums[r] + b[j + r]
                        guard value.isFinite else { throw .nonFiniteResult(path: vectorPaths ? [j + r] : [k, j + r]) }
                        y[j + r] = value
                    }
                    j += 4
                }
            }
        }
    }
}

private func checkFinite(_ values: [Double], columns: Int, vectorPaths: Bool) throws(MathError) {
    for (i, v) in values.enumerated() where !v.isFinite {
        throw .nonFiniteInput(path: vectorPaths ? [i] : [i / columns, i % columns])
    }
}

/// `W·x + b` for an m×n `weights`, n-element `input` and m-element `bias` (zeros when nil).
///
/// - Throws: `.empty(path: [])` for an empty input, `.columnMismatch(inputCount:weightColumns:)`,
///   `.biasMismatch(biasCount:weightRows:)`, `.nonFiniteInput(path: [i])` (input; weights and bias are
///   checked by whoever built them), `.nonFiniteResult(path: [j])` when output j overflows.
public func linear(weights: Matrix, bias: [Double]?, input: [Double]) throws(MathError) -> [Double] {
    guard !input.isEmpty else { throw .empty(path: []) }
    try checkShapes(weights: weights, bias: bias, inputColumns: input.count)
    try checkFinite(input, columns: input.count, vectorPaths: true)
    var out = [Double](repeating: 0, count: weights.rows)
    try input.withUnsafeBufferPointer { (x) throws(MathError) in
        try out.withUnsafeMutableBufferPointer { (y) throws(MathError) in
            try linearKernel(
                weights: weights, bias: bias, inputs: x, inputRows: 1, into: y, vectorPaths: true,
                kernel: .preferred)
        }
    }
    return out
}

/// The batched layer: for k×n `inputs`, the k×m matrix whose row r is `W·inputs[r] + b`.
///
/// - Throws: as the vector form, with result paths `[r, j]`.
public func linear(weights: Matrix, bias: [Double]?, inputs: Matrix) throws(MathError) -> Matrix {
    try linear(weights: weights, bias: bias, inputs: inputs, kernel: .preferred)
}

/// The batched layer with the kernel named (LinearTests runs both).
func linear(weights: Matrix, bias: [Double]?, inputs: Matrix, kernel: DotKernel) throws(MathError) -> Matrix {
    try checkShapes(weights: weights, bias: bias, inputColumns: inputs.columns)
    try checkFinite(inputs.elements, columns: inputs.columns, vectorPaths: false)
    let count = inputs.rows * weights.rows
    // The kernel writes every element into capacity that is not zero-filled first; `init(repeating:count:)`
    // (and `init(unsafeUninitializedCapacity:)`) take the standard library's unspecialised path for Double,
    // which looks the storage class up on every call: about 530 instructions, against about 330 here, for
    // one row of a small model (iris: this function 994 → 797). Never at capacity 0 (see
    // `DecodingContext.doubles`).
    guard count > 0 else { return Matrix(uncheckedRows: inputs.rows, columns: weights.rows, elements: []) }
    var out: [Double] = []
    try inputs.elements.withUnsafeBufferPointer { (x) throws(MathError) in
        try out.append(addingCapacity: count) { (span) throws(MathError) in
            try span.withUnsafeMutableBufferPointer { (y, initialized) throws(MathError) in
                try linearKernel(
                    weights: weights, bias: bias, inputs: x, inputRows: inputs.rows, into: y, vectorPaths: false,
                    kernel: kernel)
                initialized = count
            }
        }
    }
    return Matrix(uncheckedRows: inputs.rows, columns: weights.rows, elements: out)
}
