import RealModule

// σ(x) = 1/(1 + e^−x), its derivative σ′(x) = σ(x)·σ(−x) and log σ(x), to within 1 ulp.
//
// All three start from t = e^−|x| ∈ [0, 1], which cannot overflow: σ(|x|) = 1/(1 + t) and
// σ(−|x|) = t/(1 + t), the form API.md names (e^x/(1 + e^x) for x < 0). The naive forms lose up to
// ~1.5 ulp because 1 + t, the division and a product each round; here 1 + t is kept exact as s + e
// (TwoSum), the quotient is corrected with an FMA residual, and e^−|x| itself comes from `expParts` to
// 2^−64 (a correctly rounded exp alone would leave up to 1.02 ulp). What remains is one final rounding.
// Measured against 50-digit mpmath values in Tests/LogitMathTests/Fixtures/sigmoid.txt.

/// `n / (dHi + dLo)` to nearly full precision: q = n/dHi, then one Newton step on the exact residual.
@inline(__always)
private func divide(_ nHi: Double, _ nLo: Double, by dHi: Double, _ dLo: Double) -> Double {
    let q = nHi / dHi
    let r = nHi.addingProduct(-q, dHi)  // nHi − q·dHi, exact
    return q + (r + nLo - q * dLo) / dHi
}

/// e^−|x| as t = tHi + tLo when it is at least 2^−61; otherwise (mantissa hi + lo, exponent k) for the
/// callers' tail formulas, which scale once at the end.
private enum Tail {
    case moderate(tHi: Double, tLo: Double)
    case tiny(hi: Double, lo: Double, k: Int)
    case zero  // e^−|x| < 2^−1076: every result here rounds as if t were 0
}

@inline(__always)
private func tail(_ x: Double) -> Tail {
    let y = -x.magnitude
    guard y >= -746 else { return .zero }
    let (hi, lo, k) = expParts(y)
    guard k >= -60 else { return .tiny(hi: hi, lo: lo, k: k) }
    let scale = powerOfTwo(k)
    return .moderate(tHi: hi * scale, tLo: lo * scale)
}

/// The logistic function σ(x) = 1/(1 + e^−x), within 1 ulp for every Double (at most 0.5 ulp plus 2^−60).
///
/// Never overflows: e^−x is only formed for x ≥ 0; for x < 0 it is e^x/(1 + e^x). Below x ≈ −708 the
/// result is the correctly rounded subnormal e^x (σ(−745) = 5e−324, not 0). σ(±∞) = 1, 0; NaN → NaN.
public func sigmoid(_ x: Double) -> Double {
    guard !x.isNaN else { return x }
    switch tail(x) {
    case .zero:
        return x < 0 ? 0 : 1
    case .tiny(let hi, let lo, let k):
        // t < 2^−60: 1/(1 + t) rounds to 1, and t/(1 + t) = t·(1 − t + …).
        guard x < 0 else { return 1 }
        return scaled(hi + (lo - hi * scaled(hi, k)), k)
    case .moderate(let tHi, let tLo):
        let (s, e) = twoSum(1, tHi)
        return x < 0 ? divide(tHi, tLo, by: s, e + tLo) : divide(1, 0, by: s, e + tLo)
    }
}

/// σ′(x) = σ(x)·σ(−x) = e^−|x| / (1 + e^−|x|)², within 1 ulp.
///
/// The textbook σ(1 − σ) rounds 1 − σ to 0 once σ(x) rounds to 1 (x ≳ 36.7), so σ′(40) would be 0;
/// this form gives 4.248354255291589e−18 and stays positive down to the subnormals (σ′(±745) = 5e−324).
public func sigmoidDerivative(_ x: Double) -> Double {
    guard !x.isNaN else { return x }
    switch tail(x) {
    case .zero:
        return 0
    case .tiny(let hi, let lo, let k):
        return scaled(hi + (lo - 2 * hi * scaled(hi, k)), k)  // t·(1 − 2t + …)
    case .moderate(let tHi, let tLo):
        let (s, e0) = twoSum(1, tHi)
        let e = e0 + tLo
        // (s + e)² = s² + 2se + e², with s² split exactly by an FMA; e² < 2^−106 s² is dropped.
        let (square, squareError) = twoProduct(s, s)
        return divide(tHi, tLo, by: square, squareError + 2 * s * e)
    }
}

/// log σ(x) = −log(1 + e^−x), within 1 ulp, finite for every finite x.
///
/// For x ≥ 0 it is −log1p(e^−x) (log1p because 1 + e^−x rounds e^−x away when x > 37); for x < 0 it is
/// x − log1p(e^x), so e^−x never overflows and log σ(−1e308) = −1e308 rather than −∞.
public func logSigmoid(_ x: Double) -> Double {
    guard !x.isNaN else { return x }
    switch tail(x) {
    case .zero:
        return x < 0 ? x : -0.0
    case .tiny(let hi, let lo, let k):
        // log1p(t) = t − t²/2 + …; below x − t, t is under half an ulp of x (|x| > 41).
        guard x >= 0 else { return x }
        return -scaled(hi + (lo - 0.5 * hi * scaled(hi, k)), k)
    case .moderate(let tHi, let tLo):
        // log1p(tHi + tLo) = log1p(tHi) + tLo/(1 + tHi) to first order.
        let l = Double.log(onePlus: tHi) + tLo / (1 + tHi)
        return x >= 0 ? -l : x - l
    }
}

// MARK: Vectors and batches

/// σ of each element.
public func sigmoid(_ v: [Double]) -> [Double] { v.map(sigmoid) }
/// σ′ of each element.
public func sigmoidDerivative(_ v: [Double]) -> [Double] { v.map(sigmoidDerivative) }
/// log σ of each element.
public func logSigmoid(_ v: [Double]) -> [Double] { v.map(logSigmoid) }

/// σ of each element of each row.
public func sigmoid(_ batch: [[Double]]) -> [[Double]] { batch.map(sigmoid) }
/// σ′ of each element of each row.
public func sigmoidDerivative(_ batch: [[Double]]) -> [[Double]] { batch.map(sigmoidDerivative) }
/// log σ of each element of each row.
public func logSigmoid(_ batch: [[Double]]) -> [[Double]] { batch.map(logSigmoid) }

/// σ of each element, same shape.
public func sigmoid(_ m: Matrix) -> Matrix {
    Matrix(uncheckedRows: m.rows, columns: m.columns, elements: m.elements.map(sigmoid))
}
/// σ′ of each element, same shape.
public func sigmoidDerivative(_ m: Matrix) -> Matrix {
    Matrix(uncheckedRows: m.rows, columns: m.columns, elements: m.elements.map(sigmoidDerivative))
}
/// log σ of each element, same shape.
public func logSigmoid(_ m: Matrix) -> Matrix {
    Matrix(uncheckedRows: m.rows, columns: m.columns, elements: m.elements.map(logSigmoid))
}
