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
    if k >= -1022 { return v * powerOfTwo(k) }
    return v * powerOfTwo(k + 200) * 0x1p-200
}

/// 2^k for −1022 ≤ k ≤ 1023, from its bits: `Double(sign:exponent:significand:)` is a general routine
/// (any significand, subnormal results), more than one shift on σ's path.
@inline(__always)
func powerOfTwo(_ k: Int) -> Double {
    Double(bitPattern: UInt64(truncatingIfNeeded: k &+ 1023) << 52)
}

/// 1/(i + 2)! for i = 0…11: e^r = 1 + r + r²·Σ c_i·r^i, truncated below 2^−57 for |r| ≤ ln2/2.
private let c0 = 0.5
private let c1 = 1.0 / 6
private let c2 = 1.0 / 24
private let c3 = 1.0 / 120
private let c4 = 1.0 / 720
private let c5 = 1.0 / 5040
private let c6 = 1.0 / 40320
private let c7 = 1.0 / 362_880
private let c8 = 1.0 / 3_628_800
private let c9 = 1.0 / 39_916_800
private let c10 = 1.0 / 479_001_600
private let c11 = 1.0 / 6_227_020_800

/// e^y for y ≤ 0 (NaN excluded) within about 1 ulp, branch-free so that loops over it vectorise; the
/// workhorse of softmax, where glibc's exp is an opaque call per element.
///
/// y = k·ln2 + r with |r| ≤ ln2/2 (k by the 1.5·2^52 rounding trick, ln2 in two parts so k·ln2Hi is
/// exact), e^r = 1 + (r + r²·P(r)) with P the Taylor series to r^11 (truncation < 2^−57) evaluated by
/// Estrin's scheme (a short dependency chain), and 2^k applied as 2^(k+60) (exact, normal) times 2^−60,
/// so a subnormal result is rounded once. Below −746 the result is 0.
@inline(__always)
func expNonPositive(_ value: Double) -> Double {
    let y = value < -746 ? -746 : value
    let shifter = 0x1.8p52
    let kShifted = y * 1.4426950408889634 + shifter  // log2(e)
    let k = kShifted - shifter
    let r = (y - k * 0.693147180369123816490) - k * 1.9082149292705877e-10
    let r2 = r * r
    let r4 = r2 * r2
    let q0 = (c0 + r * c1) + r2 * (c2 + r * c3)
    let q1 = (c4 + r * c5) + r2 * (c6 + r * c7)
    let q2 = (c8 + r * c9) + r2 * (c10 + r * c11)
    let p = q0 + r4 * q1 + (r4 * r4) * q2
    let er = 1 + (r + r2 * p)
    let kInt = Int64(bitPattern: kShifted.bitPattern) &- Int64(bitPattern: shifter.bitPattern)
    let scale = Double(bitPattern: UInt64(bitPattern: (kInt &+ (1023 + 60)) << 52))
    return er * scale * 0x1p-60
}

/// `expNonPositive` on four lanes at once, the same operations in the same order (so lanes and the
/// scalar tail agree bit for bit), written with SIMD4 so that it and the running sum beside it stay in
/// vector registers.
@inline(__always)
func expNonPositive(_ value: SIMD4<Double>) -> SIMD4<Double> {
    typealias V = SIMD4<Double>
    let y = value.replacing(with: -746, where: value .< -746)
    let shifter = V(repeating: 0x1.8p52)
    let kShifted: V = y * 1.4426950408889634 + shifter
    let k: V = kShifted - shifter
    let r: V = (y - k * 0.693147180369123816490) - k * 1.9082149292705877e-10
    let r2: V = r * r
    let r4: V = r2 * r2
    let a0: V = V(repeating: c0) + r * c1
    let a1: V = V(repeating: c2) + r * c3
    let a2: V = V(repeating: c4) + r * c5
    let a3: V = V(repeating: c6) + r * c7
    let a4: V = V(repeating: c8) + r * c9
    let a5: V = V(repeating: c10) + r * c11
    let q0: V = a0 + r2 * a1
    let q1: V = a2 + r2 * a3
    let q2: V = a4 + r2 * a5
    let p: V = q0 + r4 * q1 + (r4 * r4) * q2
    let er: V = 1 + (r + r2 * p)
    let kInt = unsafeBitCast(kShifted, to: SIMD4<Int64>.self) &- Int64(bitPattern: shifter[0].bitPattern)
    let scale = unsafeBitCast((kInt &+ (1023 + 60)) &<< 52, to: V.self)
    return er * scale * 0x1p-60
}
