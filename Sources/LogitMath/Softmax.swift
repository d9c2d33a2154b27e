import RealModule

// softmax(x/T)_i = e^(d_i) / Σ_j e^(d_j) and log-softmax d_i − log Σ_j e^(d_j), with d_i = (x_i − max)/T.
//
// Subtracting the maximum first keeps every exponent ≤ 0, so [1000, 1001] works, and keeps the largest
// term exactly 1. Three further steps make each element accurate to a few ulps where scipy and PyTorch
// lose many digits:
// 1. x_i − max rounds, and e^d turns that absolute error into a relative one (at |d| ≈ 700, half an ulp
//    of d is ~500 ulps of e^d);
//    so the rounding error of x_i − max (TwoSum) and of the division by T (an FMA residual) is carried as
//    d_lo and applied as e^(d + d_lo) ≈ e^d·(1 + d_lo).
// 2. The denominator is a compensated sum (TwoSum per term), as accurate as a double-double sum.
// 3. log Σ = log1p(Σ over the other terms), since Σ includes the max's 1 exactly: log-softmax of the
//    largest element, −log1p(rest), keeps its digits when rest is tiny (log(1 + 1e−20) would be 0).
// Overflow: x_i − max can exceed the Double range (1e308 − (−1e308)); then it is formed from halves as
// 2·((x_i/2 − max/2)/T). A d that still overflows, or underflows e^d, gives probability 0 — the exact
// limit of a temperature so small that the distribution is one-hot. Probabilities are always finite; a
// log-probability below −1.8e308 is reported as `nonFiniteResult`.

/// d = (x − m)/T as an unevaluated sum hi + lo, for x ≤ m, both finite, T finite and > 0.
/// hi is −∞ (lo 0) when the exact quotient is below −Double.greatestFiniteMagnitude.
@inline(__always)
private func scaledGap(_ x: Double, _ m: Double, _ temperature: Double, unit: Bool) -> (hi: Double, lo: Double) {
    var (d, e) = (x - m, 0.0)
    var scale = 1.0
    if d.isFinite {
        e = twoSum(x, -m).error
    } else {
        // |x − m| > 1.8e308: halving is exact for these magnitudes (both are ≥ 8.9e307 in size).
        (d, e) = twoSum(x * 0.5, -(m * 0.5))
        scale = 2
    }
    var q = d
    var lo = e
    if !unit {
        q = d / temperature
        guard q.isFinite else { return (-.infinity, 0) }
        let r = d.addingProduct(-q, temperature)  // d − q·T, exact unless q is subnormal (then e^q = 1)
        lo = (r + e) / temperature
    }
    let hi = q * scale
    guard hi.isFinite else { return (-.infinity, 0) }
    return (hi, lo * scale)
}

/// e^(hi + lo) ≈ e^hi·(1 + lo), for |lo| ≤ ulp(hi); 0 for hi = −∞. (t·lo is below ulp(t)·2^−40, so its
/// own rounding is negligible and no FMA is needed; FMA is a libm call on baseline x86-64.)
@inline(__always)
private func expCompensated(_ hi: Double, _ lo: Double) -> Double {
    let t = expNonPositive(hi)
    return t + t * lo
}

/// The maximum and minimum of a row, refusing NaN and ±∞ (the first one's index is reported). Four lanes
/// at a time; a non-finite element turns `poison` (Σ x·0) into NaN, and only then is the row searched.
@inline(__always)
private func rowRange(_ x: UnsafeBufferPointer<Double>) throws(MathError) -> (max: Double, min: Double) {
    guard let base = x.baseAddress, !x.isEmpty else { throw .empty(path: []) }
    var high = SIMD4<Double>(repeating: -.infinity)
    var low = SIMD4<Double>(repeating: .infinity)
    var poison = SIMD4<Double>(repeating: 0)
    var i = 0
    while i + 4 <= x.count {
        let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD4<Double>.self)
        high = pointwiseMax(high, v)
        low = pointwiseMin(low, v)
        poison += v * 0
        i += 4
    }
    var (m, l) = (high.max(), low.min())
    var finite = !poison.sum().isNaN
    while i < x.count {
        finite = finite && x[i].isFinite
        m = max(m, x[i])
        l = min(l, x[i])
        i += 1
    }
    guard finite else { throw .nonFiniteInput(path: [x.firstIndex { !$0.isFinite }!]) }
    return (m, l)
}

private func checkTemperature(_ temperature: Double) throws(MathError) -> Bool {
    guard temperature.isFinite, temperature > 0 else { throw .invalidTemperature(temperature) }
    return temperature == 1
}

/// The kernel for one row: writes probabilities into `p` and/or log-probabilities into `logP` (each of
/// `x.count` elements when given). Errors carry indices within the row.
func softmaxKernel(
    _ x: UnsafeBufferPointer<Double>, temperature: Double,
    probabilities p: UnsafeMutableBufferPointer<Double>?, logProbabilities logP: UnsafeMutableBufferPointer<Double>?
) throws(MathError) {
    let unit = try checkTemperature(temperature)
    let (m, low) = try rowRange(x)
    if unit, (m - low).isFinite {
        unitKernel(x, maximum: m, probabilities: p, logProbabilities: logP)
        return
    }
    let n = x.count
    let top = x.firstIndex(of: m)!

    // Σ over every term but the first maximum, whose term is exactly e^0 = 1.
    var rest = CompensatedSum()
    if let p {
        for i in 0..<n {
            let (hi, lo) = scaledGap(x[i], m, temperature, unit: unit)
            let w = expCompensated(hi, lo)
            p[i] = w
            if i != top { rest.add(w) }
        }
    } else {
        for i in 0..<n where i != top {
            let (hi, lo) = scaledGap(x[i], m, temperature, unit: unit)
            rest.add(expCompensated(hi, lo))
        }
    }
    let restValue = rest.value

    if let p {
        let total = 1 + restValue
        for i in 0..<n { p[i] /= total }
    }
    if let logP {
        let logTotal = Double.log(onePlus: restValue)
        for i in 0..<n {
            let (hi, lo) = scaledGap(x[i], m, temperature, unit: unit)
            let v = (hi - logTotal) + lo
            guard v.isFinite else { throw .nonFiniteResult(path: [i]) }
            logP[i] = v
        }
    }
}

/// The common case, temperature 1 and no x_i − max beyond the Double range, as branch-free SIMD loops:
/// w_i = e^(d_i)·(1 + e_i) with d_i + e_i = x_i − max exactly, summed in four compensated lanes in the
/// same pass, then one multiplication by 1/Σ (or subtraction of log Σ) per element. Same formulas as the
/// general path.
private func unitKernel(
    _ x: UnsafeBufferPointer<Double>, maximum m: Double,
    probabilities p: UnsafeMutableBufferPointer<Double>?, logProbabilities logP: UnsafeMutableBufferPointer<Double>?
) {
    let n = x.count
    guard let w = p ?? logP, let source = x.baseAddress, let target = w.baseAddress else { return }
    // Four lanes at a time: d + e = x − max (TwoSum), w = e^d·(1 + e), and Σ w as four TwoSum lanes.
    let shift = SIMD4<Double>(repeating: -m)
    var sum = SIMD4<Double>(repeating: 0)
    var compensation = SIMD4<Double>(repeating: 0)
    var i = 0
    while i + 4 <= n {
        let v = UnsafeRawPointer(source + i).loadUnaligned(as: SIMD4<Double>.self)
        let d = v + shift
        let shiftVirtual = d - v
        let e = (v - (d - shiftVirtual)) + (shift - shiftVirtual)
        let t = expNonPositive(d)
        let wv = t + t * e
        UnsafeMutableRawPointer(target + i).storeBytes(of: wv, as: SIMD4<Double>.self)
        let s = sum + wv
        let wVirtual = s - sum
        compensation += (sum - (s - wVirtual)) + (wv - wVirtual)
        sum = s
        i += 4
    }
    var total = CompensatedSum()
    for lane in 0..<4 {
        total.add(sum[lane])
        total.compensation += compensation[lane]
    }
    while i < n {
        let (d, e) = twoSum(x[i], -m)
        let t = expNonPositive(d)
        w[i] = t + t * e
        total.add(w[i])
        i += 1
    }
    // rest = Σ − 1 (the maximum's term), exactly as a double-double before it is rounded.
    let (restHi, restLo) = twoSum(total.sum, -1)
    let restValue = restHi + (restLo + total.compensation)

    if let logP {
        let logTotal = Double.log(onePlus: restValue)
        for i in 0..<n {
            let (d, e) = twoSum(x[i], -m)
            logP[i] = (d - logTotal) + e
        }
    }
    if let p {
        // p = w/S as w·(1/S), with 1/S = rHi + rLo to ~2^−104 (a division per element costs more than the
        // exp): at most one ulp, against half an ulp for a division.
        let (sHi, sLo) = twoSum(total.sum, total.compensation)
        let rHi = 1 / sHi
        let rLo = ((1.0).addingProduct(-rHi, sHi) - rHi * sLo) / sHi  // the FMA residual is exact
        for i in 0..<n { p[i] = p[i] * rHi + p[i] * rLo }
    }
}

/// softmax(row / temperature), along the row; each element within 4 ulp, the row summing to 1 within
/// 4 ulp, every element finite for any finite row and finite temperature > 0.
///
/// - Throws: `.empty`, `.nonFiniteInput(path: [i])`, `.invalidTemperature`.
public func softmax(_ row: [Double], temperature: Double = 1) throws(MathError) -> [Double] {
    var out = [Double](repeating: 0, count: row.count)
    try row.withUnsafeBufferPointer { (x) throws(MathError) in
        try out.withUnsafeMutableBufferPointer { (p) throws(MathError) in
            try softmaxKernel(x, temperature: temperature, probabilities: p, logProbabilities: nil)
        }
    }
    return out
}

/// log softmax(row / temperature), computed directly as d_i − log1p(Σ_{j≠max} e^(d_j)), within 4 ulp.
///
/// - Throws: as `softmax`, plus `.nonFiniteResult(path: [i])` when a log-probability is below
///   −Double.greatestFiniteMagnitude (e.g. [1e308, −1e308] at temperature 1: −2e308).
public func logSoftmax(_ row: [Double], temperature: Double = 1) throws(MathError) -> [Double] {
    var out = [Double](repeating: 0, count: row.count)
    try row.withUnsafeBufferPointer { (x) throws(MathError) in
        try out.withUnsafeMutableBufferPointer { (lp) throws(MathError) in
            try softmaxKernel(x, temperature: temperature, probabilities: nil, logProbabilities: lp)
        }
    }
    return out
}

/// Both softmax and log-softmax of one row, sharing the max and the sum.
public func softmaxAndLog(
    _ row: [Double], temperature: Double = 1
) throws(MathError) -> (probabilities: [Double], logProbabilities: [Double]) {
    var p = [Double](repeating: 0, count: row.count)
    var lp = [Double](repeating: 0, count: row.count)
    try row.withUnsafeBufferPointer { (x) throws(MathError) in
        try p.withUnsafeMutableBufferPointer { (pb) throws(MathError) in
            try lp.withUnsafeMutableBufferPointer { (lpb) throws(MathError) in
                try softmaxKernel(x, temperature: temperature, probabilities: pb, logProbabilities: lpb)
            }
        }
    }
    return (p, lp)
}

// MARK: Batches: along each row; errors carry [row, column].

/// softmax along each row of a batch.
public func softmax(_ batch: [[Double]], temperature: Double = 1) throws(MathError) -> [[Double]] {
    guard !batch.isEmpty else { throw .empty(path: []) }
    var out: [[Double]] = []
    out.reserveCapacity(batch.count)
    for (r, row) in batch.enumerated() {
        do { out.append(try softmax(row, temperature: temperature)) } catch { throw error.inRow(r) }
    }
    return out
}

/// log-softmax along each row of a batch.
public func logSoftmax(_ batch: [[Double]], temperature: Double = 1) throws(MathError) -> [[Double]] {
    guard !batch.isEmpty else { throw .empty(path: []) }
    var out: [[Double]] = []
    out.reserveCapacity(batch.count)
    for (r, row) in batch.enumerated() {
        do { out.append(try logSoftmax(row, temperature: temperature)) } catch { throw error.inRow(r) }
    }
    return out
}

/// softmax along each row of a matrix.
public func softmax(_ m: Matrix, temperature: Double = 1) throws(MathError) -> Matrix {
    try rowwise(m, temperature: temperature, probabilities: true, logProbabilities: false).probabilities!
}

/// log-softmax along each row of a matrix.
public func logSoftmax(_ m: Matrix, temperature: Double = 1) throws(MathError) -> Matrix {
    try rowwise(m, temperature: temperature, probabilities: false, logProbabilities: true).logProbabilities!
}

/// Both softmax and log-softmax along each row of a matrix, sharing each row's max and sum.
public func softmaxAndLog(
    _ m: Matrix, temperature: Double = 1
) throws(MathError) -> (probabilities: Matrix, logProbabilities: Matrix) {
    let both = try rowwise(m, temperature: temperature, probabilities: true, logProbabilities: true)
    return (both.probabilities!, both.logProbabilities!)
}

/// The kernel along each row of `m`, into the outputs asked for; errors carry [row, column].
private func rowwise(
    _ m: Matrix, temperature: Double, probabilities wantP: Bool, logProbabilities wantLogP: Bool
) throws(MathError) -> (probabilities: Matrix?, logProbabilities: Matrix?) {
    var p = wantP ? m.elements : []
    var lp = wantLogP ? m.elements : []
    try m.elements.withUnsafeBufferPointer { (x) throws(MathError) in
        try p.withUnsafeMutableBufferPointer { (pb) throws(MathError) in
            try lp.withUnsafeMutableBufferPointer { (lpb) throws(MathError) in
                for r in 0..<m.rows {
                    let range = r * m.columns..<(r + 1) * m.columns
                    do throws(MathError) {
                        try softmaxKernel(
                            UnsafeBufferPointer(rebasing: x[range]), temperature: temperature,
                            probabilities: wantP ? UnsafeMutableBufferPointer(rebasing: pb[range]) : nil,
                            logProbabilities: wantLogP ? UnsafeMutableBufferPointer(rebasing: lpb[range]) : nil)
                    } catch { throw error.inRow(r) }
                }
            }
        }
    }
    return (
        wantP ? Matrix(uncheckedRows: m.rows, columns: m.columns, elements: p) : nil,
        wantLogP ? Matrix(uncheckedRows: m.rows, columns: m.columns, elements: lp) : nil
    )
}
