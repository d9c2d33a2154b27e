// The seed's linear layer: y = W·x + b, and for a batch Y = X·Wᵀ + b (row k of Y is W·(row k of X) + b).

/// Σ a_i·b_i over `count` elements, in eight lanes (two SIMD4 accumulators) so the loop runs in vector
/// registers and is not bound by the latency of one addition chain; strict IEEE order forbids the
/// compiler from reassociating a scalar loop this way itself. Multiply then add, not FMA: on baseline
/// x86-64 `addingProduct` is a libm call per element.
@inline(__always)
private func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count n: Int) -> Double {
    var s0 = SIMD4<Double>(repeating: 0)
    var s1 = SIMD4<Double>(repeating: 0)
    var i = 0
    while i + 8 <= n {
        let a0 = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD4<Double>.self)
        let b0 = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD4<Double>.self)
        let a1 = UnsafeRawPointer(a + i + 4).loadUnaligned(as: SIMD4<Double>.self)
        let b1 = UnsafeRawPointer(b + i + 4).loadUnaligned(as: SIMD4<Double>.self)
        s0 += a0 * b0
        s1 += a1 * b1
        i += 8
    }
    var tail = 0.0
    while i < n {
        tail += a[i] * b[i]
        i += 1
    }
    return (s0 + s1).sum() + tail
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
    into out: UnsafeMutableBufferPointer<Double>, vectorPaths: Bool
) throws(MathError) {
    let m = weights.rows
    let n = weights.columns
    let zeros = [Double](repeating: 0, count: bias == nil ? m : 0)
    try weights.elements.withUnsafeBufferPointer { (w) throws(MathError) in
        try (bias ?? zeros).withUnsafeBufferPointer { (b) throws(MathError) in
            for k in 0..<inputRows {
                let x = inputs.baseAddress! + k * n
                for j in 0..<m {
                    let y = dot(w.baseAddress! + j * n, x, count: n) + b[j]
                    guard y.isFinite else { throw .nonFiniteResult(path: vectorPaths ? [j] : [k, j]) }
                    out[k * m + j] = y
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
            try linearKernel(weights: weights, bias: bias, inputs: x, inputRows: 1, into: y, vectorPaths: true)
        }
    }
    return out
}

/// The batched layer: for k×n `inputs`, the k×m matrix whose row r is `W·inputs[r] + b`.
///
/// - Throws: as the vector form, with result paths `[r, j]`.
public func linear(weights: Matrix, bias: [Double]?, inputs: Matrix) throws(MathError) -> Matrix {
    try checkShapes(weights: weights, bias: bias, inputColumns: inputs.columns)
    try checkFinite(inputs.elements, columns: inputs.columns, vectorPaths: false)
    var out = [Double](repeating: 0, count: inputs.rows * weights.rows)
    try inputs.elements.withUnsafeBufferPointer { (x) throws(MathError) in
        try out.withUnsafeMutableBufferPointer { (y) throws(MathError) in
            try linearKernel(
                weights: weights, bias: bias, inputs: x, inputRows: inputs.rows, into: y, vectorPaths: false)
        }
    }
    return Matrix(uncheckedRows: inputs.rows, columns: weights.rows, elements: out)
}
