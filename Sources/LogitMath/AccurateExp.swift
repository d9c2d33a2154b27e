/// e^y for −1100 ≤ y ≤ 0 as (hi + lo)·2^k with hi + lo ∈ [0.99, 2) and a relative error below 2^−64.
///
/// The σ family needs e^−|x| to better than a correctly rounded Double: t/(1 + t) passes exp's relative
/// error straight through, so even glibc's 0.51-ulp exp plus the final rounding can reach 1.02 ulp
/// (measured: σ(−1.995357271878122) was 1.07 ulp off). Keeping 2^−64 and the binary exponent apart lets
/// the caller round exactly once, also into the subnormals, where a scaled lo part would lose its bits.
///
/// Method (Tang's table-driven exp): y = (64·k + j)·ln2/64 + r, |r| ≤ ln2/128, with ln2/64 in three
/// parts so r is exact to ~2^−100; e^y = 2^k · 2^(j/64) · e^r, the table entry as a double-double and
/// e^r − 1 as r plus a degree-7 Taylor polynomial (truncation < 2^−74 at |r| = 0.0055).
@inline(__always)
func expParts(_ y: Double) -> (hi: Double, lo: Double, k: Int) {
    let n = (y * 92.332482616893656).rounded()  // 64/ln2
    let (a, aError) = twoProduct(n, ln2Over64.hi)
    let s = y - a  // exact (Sterbenz): |y − a| ≤ ln2/128 + tiny, and y, a agree in sign
    let (rHi, rLo0) = twoSum(s, -(aError + n * ln2Over64.mid))
    let rLo = rLo0 - n * ln2Over64.lo
    // e^r − 1 = r + r²(1/2 + r/6 + r²/24 + r³/120 + r⁴/720 + r⁵/5040), the tail in plain Doubles: its
    // size is below 1.6e−5, so its rounding errors are below 2^−68 of the result.
    let r = rHi
    var p = 1.0 / 720 + r / 5040
    p = 1.0 / 120 + r * p
    p = 1.0 / 24 + r * p
    p = 1.0 / 6 + r * p
    p = 0.5 + r * p
    let tail = r * r * p + rLo
    let (eHi, eLo) = twoSum(1, rHi)
    let u = (hi: eHi, lo: eLo + tail)  // e^r as hi + lo, |lo| ≪ ulp(hi)·2^11
    let ni = Int(n)
    let j = ni & 63
    let k = (ni - j) >> 6
    let t = exp2Table[j]
    let (productHi, productError) = twoProduct(t.hi, u.hi)
    let productLo = productError + (t.hi * u.lo + t.lo * u.hi)
    let (hi, lo) = twoSum(productHi, productLo)
    return (hi, lo, k)
}

/// v·2^k rounded once, also when the result is subnormal (where `v * 0x1p-1030` would be exact but a
/// two-step scaling by 2^−1022 first could round twice).
@inline(__always)
func scaled(_ v: Double, _ k: Int) -> Double {
    if k >= -1022 { return v * Double(sign: .plus, exponent: k, significand: 1) }
    return v * Double(sign: .plus, exponent: k + 200, significand: 1) * 0x1p-200
}

/// e^y for y ≤ 0 (NaN excluded) within about 1 ulp, branch-free so that loops over it vectorise; the
/// workhorse of softmax, where glibc's exp is an opaque call per element.
///
/// y = k·ln2 + r with |r| ≤ ln2/2 (k by the 1.5·2^52 rounding trick, ln2 in two parts so k·ln2Hi is
/// exact), e^r = 1 + (r + r²·P(r)) with P the Taylor series to r^11 (truncation < 2^−57), and 2^k applied
/// as two exact factors 2^⌊k/2⌋·2^⌈k/2⌉ so that subnormal results are rounded once. Below −746 it is 0.
@inline(__always)
func expNonPositive(_ value: Double) -> Double {
    let y = value < -746 ? -746 : value
    let shifter = 0x1.8p52
    let kShifted = y * 1.4426950408889634 + shifter  // log2(e)
    let k = kShifted - shifter
    let r = (y - k * 0.693147180369123816490) - k * 1.9082149292705877e-10
    var p = 1.0 / 6_227_020_800  // 1/13!
    p = p * r + 1.0 / 479_001_600
    p = p * r + 1.0 / 39_916_800
    p = p * r + 1.0 / 3_628_800
    p = p * r + 1.0 / 362_880
    p = p * r + 1.0 / 40320
    p = p * r + 1.0 / 5040
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    let er = 1 + (r + (r * r) * p)
    let kInt = Int64(bitPattern: kShifted.bitPattern) &- Int64(bitPattern: shifter.bitPattern)
    let k1 = kInt >> 1
    let s1 = Double(bitPattern: UInt64(bitPattern: (k1 &+ 1023) << 52))
    let s2 = Double(bitPattern: UInt64(bitPattern: (kInt &- k1 &+ 1023) << 52))
    return er * s1 * s2
}

/// `expNonPositive` on four lanes at once, written with SIMD4 so that it and the sum beside it stay in
/// vector registers (the scalar loop is vectorised two-wide, but a running sum in it is not).
@inline(__always)
func expNonPositive(_ value: SIMD4<Double>) -> SIMD4<Double> {
    let y = value.replacing(with: -746, where: value .< -746)
    let shifter = SIMD4<Double>(repeating: 0x1.8p52)
    let kShifted = y * 1.4426950408889634 + shifter
    let k = kShifted - shifter
    let r = (y - k * 0.693147180369123816490) - k * 1.9082149292705877e-10
    var p = SIMD4<Double>(repeating: 1.0 / 6_227_020_800)
    p = p * r + 1.0 / 479_001_600
    p = p * r + 1.0 / 39_916_800
    p = p * r + 1.0 / 3_628_800
    p = p * r + 1.0 / 362_880
    p = p * r + 1.0 / 40320
    p = p * r + 1.0 / 5040
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    let er = 1 + (r + (r * r) * p)
    let kInt = unsafeBitCast(kShifted, to: SIMD4<Int64>.self) &- Int64(bitPattern: shifter[0].bitPattern)
    let k1 = kInt &>> 1
    let s1 = unsafeBitCast((k1 &+ 1023) &<< 52, to: SIMD4<Double>.self)
    let s2 = unsafeBitCast((kInt &- k1 &+ 1023) &<< 52, to: SIMD4<Double>.self)
    return er * s1 * s2
}
