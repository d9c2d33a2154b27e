/// Shortest round-trip formatting of a finite Double, spelled as Python's `repr` spells it.
///
/// Digits: the shortest decimal in the rounding interval, and among those the one closest to the value
/// (ties to even digit). For normal values that are not powers of two (all but 2 046 finite magnitudes
/// above the subnormals), Jeon's Dragonbox (`dragonbox`): one 128×64-bit product and two divisions by
/// constants. For powers of two (an asymmetric interval) and subnormals, Giulietti's Schubfach ("The
/// Schubfach way to render doubles", 2020; the JDK 19+ `DoubleToDecimal`, `toDecimal`), three products and
/// no loop, with one change from the JDK: it looks for a shorter candidate whenever `s ≥ 10` (the JDK needs
/// `s ≥ 100` because Java always prints two digits; `repr(5e-324)` is `5e-324`, not `4.9e-324`). Both give
/// the same digits wherever both apply; `ShortestDoubleTests` holds the printer to the bytes of the
/// Schubfach-only one before it.
///
/// Layout (`float_repr_style = 'short'`): positional when the decimal exponent is in -4..<16
/// (`0.0001`, `1234567890123456.0`, always with a fraction part), otherwise `d.ddde±XX` with at least two
/// exponent digits (`1e-05`, `1e+16`, `1.2345678901234568e+17`).
///
/// Why not `Double.description`: it gives the same text but at about 80 ns per value here; this is
/// several times faster, and its output is checked against `description` on millions of values in tests.
enum ShortestDouble {
    /// The most bytes `write` produces: "-1.2345678901234567e-308" is 24.
    static let maxLength = 24

    /// Writes `value` (finite) at `p`, returning the number of bytes written.
    ///
    /// This and `format` are `@inline(always)` (SE-0496, Swift 6.3): as plain or `@inline(__always)`
    /// functions they stayed two calls per number, each saving and restoring six registers.
    @inline(always)
    static func write(_ value: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let bits = value.bitPattern
        // The sign without a branch (half of all values are negative, at random): a '-' that the digits
        // overwrite when the value is positive.
        p[0] = UInt8(ascii: "-")
        let at = Int(bits >> 63)
        let decimal = shortestDecimal(bits)
        return at + format(decimal.significand, decimal.exponent, to: p + at)
    }

    /// Writes `values` (finite) at `p` with a comma between each two, returning the number of bytes written
    /// (at most `values.count * (maxLength + 1)`).
    ///
    /// Two values per step, both decimals found before either is laid out: one value's digits are a chain
    /// of dependent multiplications some 70 cycles long, with about 230 instructions in all, so the
    /// processor's reorder window holds little more than one value; written side by side, two chains run
    /// at once.
    static func write(_ values: UnsafeBufferPointer<Double>, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var w = p
        var i = 0
        let count = values.count
        while i &+ 2 <= count {
            let a = values[i].bitPattern
            let b = values[i &+ 1].bitPattern
            let da = shortestDecimal(a)
            let db = shortestDecimal(b)
            w[0] = UInt8(ascii: "-")
            w += Int(a >> 63)
            w += format(da.significand, da.exponent, to: w)
            w[0] = UInt8(ascii: ",")
            w[1] = UInt8(ascii: "-")
            w += 1 &+ Int(b >> 63)
            w += format(db.significand, db.exponent, to: w)
            w[0] = UInt8(ascii: ",")
            w += 1
            i &+= 2
        }
        if i < count {
            w += write(values[i], to: w)
        } else if count > 0 {
            w -= 1  // the comma after the last value
        }
        return w - p
    }

    /// The shortest decimal `f · 10^e` (f without trailing zeros, except after Schubfach's cases) that
    /// rounds to the magnitude of the Double with bit pattern `bits` (finite).
    @inline(always)
    static func shortestDecimal(_ bits: UInt64) -> (significand: UInt64, exponent: Int) {
        let fraction = bits & ((1 << 52) - 1)
        let biasedExponent = Int(bits >> 52 & 0x7FF)
        if biasedExponent != 0 {
            let c = 1 << 52 | fraction
            let mq = 1075 - biasedExponent  // value = c · 2^-mq
            if mq > 0, mq < 53, (c >> UInt64(mq)) << UInt64(mq) == c {
                // An integer below 2^53: its digits are exact and shortest once trailing zeros go.
                return (c >> UInt64(mq), 0)
            }
            if fraction != 0 { return dragonbox(c: c, e: -mq) }
            // A power of two: the interval below it is half as wide (Schubfach's own case).
            return toDecimal(q: -mq, c: c, dk: 0)
        }
        if fraction != 0 {
            // Subnormal; the tiniest ones are scaled by 10 so the interval arithmetic keeps enough digits.
            return fraction < 3
                ? toDecimal(q: -1074, c: 10 * fraction, dk: -1) : toDecimal(q: -1074, c: fraction, dk: 0)
        }
        return (0, 0)
    }

    /// The shortest decimal `f · 10^e` that rounds to `c · 2^e2` (a normal Double that is not a power of
    /// two, so its rounding interval is symmetric), and of those the nearest, ties to an even `f`; `f` has no
    /// trailing zeros. Jeon's Dragonbox ("Dragonbox: A New Floating-Point Binary-to-Decimal Conversion
    /// Algorithm", 2024), the reference implementation's `compute_nearest_normal` for binary64 with the
    /// default policies (round to nearest, ties to even, both ways), κ = 2: one 64×128-bit product gives
    /// the interval's upper end z at a scale where it has one or two digits more than the answer; when a
    /// multiple of 10^(κ+1) lies within δ below it, that is the answer (then trailing zeros go), else the
    /// answer has one digit more and is the rounded value y, read off z − δ/2 with one division by 10^κ,
    /// and a second product (1 % of values) decides its last digit when the remainder cannot.
    @inline(__always)
    private static func dragonbox(c: UInt64, e: Int) -> (UInt64, Int) {
        let twoC = c &<< 1
        let minusK = ((e &* 315_653) &>> 20) &- 2  // ⌊e · log10 2⌋ − κ
        let index = 2 &* (292 &- minusK)
        let (cacheHigh, cacheLow) = dragonboxCache.withUnsafeBufferPointer { ($0[index], $0[index &+ 1]) }
        let beta = e &+ ((0 &- minusK) &* 1_741_647) &>> 19  // e + ⌊−minusK · log2 10⌋, 1...4
        let delta = UInt32(truncatingIfNeeded: cacheHigh &>> UInt64(truncatingIfNeeded: 63 &- beta))
        // z = the upper 128 bits of ((2c + 1) << β) · φ: its integer part and whether it is an integer.
        let u = (twoC | 1) &<< UInt64(truncatingIfNeeded: beta)
        let (zHigh, zLow) = u.multipliedFullWidth(by: cacheHigh)
        let (zLowSum, carry) = zLow.addingReportingOverflow(u.multipliedFullWidth(by: cacheLow).high)
        let z = zHigh &+ (carry ? 1 : 0)
        let zIsInteger = zLowSum == 0

        let significand = z / 1_000
        let r = UInt32(truncatingIfNeeded: z &- 1_000 &* significand)
        // r == δ and r == 0 need the exact comparisons of the reference (about one value in 500).
        if r == delta || r == 0 {
            return dragonboxEdge(significand, r, delta, zIsInteger, c, minusK, cacheHigh, cacheLow, beta)
        }
        // Both candidates, and the one that applies selected without a branch: whether the shorter one is in
        // the interval is close to random for values of 16–17 digits, and a mispredicted branch here cost
        // more than the arithmetic of the other side.
        // One more digit: y, the value rounded at this scale (when r > δ; wrapping junk otherwise, unused).
        let dist = r &- delta / 2 &+ 50
        let quotient = dist / 100
        var longer = significand &* 10 &+ UInt64(quotient)
        if r > delta, dist == quotient &* 100 {
            longer = roundedLonger(longer, dist, c, cacheHigh, cacheLow, beta)
        }
        let shorter = r < delta
        let f = shorter ? significand : longer
        let e = minusK &+ (shorter ? 3 : 2)
        // Only the shorter candidate can end in zeros, one value in ten of those: a branch that is predicted
        // (a chain of four dependent multiplications on every value was slower).
        if f % 10 == 0 { return removeTrailingZeros(f, e) }
        return (f, e)
    }

    /// The r == δ and r == 0 cases of `dragonbox`, with the reference's branches.
    private static func dragonboxEdge(
        _ bigSignificand: UInt64, _ remainder: UInt32, _ delta: UInt32, _ zIsInteger: Bool, _ c: UInt64,
        _ minusK: Int, _ cacheHigh: UInt64, _ cacheLow: UInt64, _ beta: Int
    ) -> (UInt64, Int) {
        var significand = bigSignificand
        var r = remainder
        let includesEnds = c & 1 == 0
        var bigDivisor = false
        if r < delta {
            // The right end is excluded when the significand is odd.
            if r == 0, zIsInteger, !includesEnds {
                significand &-= 1
                r = 1_000
            } else {
                bigDivisor = true
            }
        } else if r == delta {
            // r == δ: compare the fractional parts, through the parity of x = (2c − 1) · 2^β · φ.
            let (xParity, xIsInteger) = mulParity((c &<< 1) &- 1, cacheHigh, cacheLow, beta)
            bigDivisor = xParity || (xIsInteger && includesEnds)
        }
        if bigDivisor { return removeTrailingZeros(significand, minusK &+ 3) }
        let dist = r &- delta / 2 &+ 50
        let quotient = dist / 100
        var longer = significand &* 10 &+ UInt64(quotient)
        if dist == quotient &* 100 { longer = roundedLonger(longer, dist, c, cacheHigh, cacheLow, beta) }
        return (longer, minusK &+ 2)
    }

    /// When dist (r − δ/2 + 10^κ/2) is a multiple of 10^κ, y is either the `longer` candidate or one less:
    /// the parity of y (from the second product) tells which, and whether it is a tie (then even wins).
    @inline(never)
    private static func roundedLonger(
        _ longer: UInt64, _ dist: UInt32, _ c: UInt64, _ cacheHigh: UInt64, _ cacheLow: UInt64, _ beta: Int
    ) -> UInt64 {
        let approximateYParity = (dist ^ 50) & 1 != 0
        let (yParity, yIsInteger) = mulParity(c &<< 1, cacheHigh, cacheLow, beta)
        if yParity != approximateYParity || (yIsInteger && longer & 1 != 0) { return longer &- 1 }
        return longer
    }

    /// The parity of the integer part of (`twoF` · 2^β · φ) / 2^64 and whether it is an integer (Dragonbox's
    /// `compute_mul_parity`).
    @inline(__always)
    private static func mulParity(_ twoF: UInt64, _ cacheHigh: UInt64, _ cacheLow: UInt64, _ beta: Int)
        -> (parity: Bool, isInteger: Bool)
    {
        let high = twoF &* cacheHigh &+ twoF.multipliedFullWidth(by: cacheLow).high
        let low = twoF &* cacheLow
        let shift = UInt64(truncatingIfNeeded: 64 &- beta)
        let parity = (high &>> shift) & 1 != 0
        let isInteger = (high &<< UInt64(truncatingIfNeeded: beta)) | (low &>> shift) == 0
        return (parity, isInteger)
    }

    /// `f · 10^e` with the trailing zeros of `f` (< 10^17) moved into the exponent, 8, 4, 2 then 1 at a time:
    /// f is divisible by 10^k exactly when rotr(f · 5^-k mod 2^64, k) ≤ ⌊(2^64 − 1) / 10^k⌋, and that
    /// rotation is then the quotient (Granlund and Montgomery; Dragonbox's `remove_trailing_zeros`).
    @inline(__always)
    private static func removeTrailingZeros(_ significand: UInt64, _ exponent: Int) -> (UInt64, Int) {
        var f = significand
        var e = exponent
        @inline(__always) func step(_ inverse: UInt64, _ k: Int, _ limit: UInt64) {
            let product = f &* inverse
            let q = product &>> UInt64(k) | product &<< UInt64(64 &- k)
            if q <= limit {
                f = q
                e &+= k
            }
        }
        step(0xC767_074B_22E9_0E21, 8, 184_467_440_737)
        step(0xD288_CE70_3AFB_7E91, 4, 1_844_674_407_370_955)
        step(0x8F5C_28F5_C28F_5C29, 2, 184_467_440_737_095_516)
        step(0xCCCC_CCCC_CCCC_CCCD, 1, 1_844_674_407_370_955_161)
        return (f, e)
    }

    @inline(__always)
    private static func multiplyHigh(_ a: UInt64, _ b: UInt64) -> UInt64 { a.multipliedFullWidth(by: b).high }

    /// floor(q · log10 2)
    @inline(__always)
    private static func floorLog10Pow2(_ q: Int) -> Int { (q * 661_971_961_083) >> 41 }
    /// floor(q · log10 2 + log10 3/4)
    @inline(__always)
    private static func floorLog10ThreeQuartersPow2(_ q: Int) -> Int { (q * 661_971_961_083 - 274_743_187_321) >> 41 }
    /// floor(e · log2 10)
    @inline(__always)
    private static func floorLog2Pow10(_ e: Int) -> Int { (e * 913_124_641_741) >> 38 }

    /// Rounds g · cp / 2^127 to odd ("round to odd" keeps the sticky information the comparisons need).
    @inline(__always)
    private static func roundToOdd(_ g1: UInt64, _ g0: UInt64, _ cp: UInt64) -> UInt64 {
        let mask63: UInt64 = (1 << 63) - 1
        let x1 = multiplyHigh(g0, cp)
        let y0 = g1 &* cp
        let y1 = multiplyHigh(g1, cp)
        let z = (y0 >> 1) &+ x1
        let vbp = y1 &+ (z >> 63)
        return vbp | ((z & mask63) &+ mask63) >> 63
    }

    /// The shortest decimal `f · 10^e` that rounds to `c · 2^q` (c scaled by 10^-dk); `f` may still end in
    /// zeros.
    /// Wrapping and masking operators throughout: every value is bounded by the algorithm (c < 2^54,
    /// h ≤ 4 so the shifted significands stay below 2^63), and the hot path then carries no overflow traps.
    @inline(__always)
    private static func toDecimal(q: Int, c: UInt64, dk: Int) -> (UInt64, Int) {
        let out: UInt64 = c & 1
        let cb = c &<< 2
        let cbr = cb &+ 2
        let cbl: UInt64
        let k: Int
        if c != 1 << 52 || q == -1074 {
            cbl = cb &- 2
            k = floorLog10Pow2(q)
        } else {
            // The interval below a power of two is half as wide.
            cbl = cb &- 1
            k = floorLog10ThreeQuartersPow2(q)
        }
        let h = UInt64(truncatingIfNeeded: q &+ floorLog2Pow10(-k) &+ 2)
        let g1 = schubfachG[2 * (k + 324)]
        let g0 = schubfachG[2 * (k + 324) + 1]
        let vb = roundToOdd(g1, g0, cb &<< h)
        let vbl = roundToOdd(g1, g0, cbl &<< h)
        let vbr = roundToOdd(g1, g0, cbr &<< h)
        let s = vb >> 2
        // Every candidate is computed and the answer selected with bit arithmetic on 0/1 flags: which one
        // wins is close to random for random values, a mispredicted branch here cost more than the
        // arithmetic, and conditional expressions were compiled back into branches.
        // One digit shorter: s' = floor(s / 10) by multiplication, returned as s' (or s' + 1) times 10^(k+1),
        // so `format` does not divide the trailing zero back out.
        let sp = multiplyHigh(s, 115_292_150_460_684_698 << 4)
        let sp10 = 10 &* sp
        let tp10 = sp10 &+ 10
        let upin = flag(vbl &+ out <= sp10 &<< 2)
        let wpin = flag((tp10 &<< 2) &+ out <= vbr)
        let shorter = flag(s >= 10) & (upin ^ wpin)
        let t = s &+ 1
        let uin = flag(vbl &+ out <= s &<< 2)
        let win = flag((t &<< 2) &+ out <= vbr)
        let cmp = Int64(bitPattern: vb &- (s &+ t) &<< 1)
        // s when exactly one of s, t is in the interval and it is s; else the closer one, ties to even.
        let nearer = flag(cmp < 0) | (flag(cmp == 0) & ~s & 1)
        let pickS = (uin ^ win) & uin | (~(uin ^ win) & 1) & nearer
        let long = t &- pickS
        let short = sp &+ (1 &- upin)
        let mask = 0 &- shorter
        return ((short & mask) | (long & ~mask), k &+ dk &+ Int(shorter))
    }

    /// 1 or 0, for selecting without a branch.
    @inline(__always)
    private static func flag(_ condition: Bool) -> UInt64 { condition ? 1 : 0 }

    /// The eight decimal digits of `value` (< 10^8) as ASCII, first digit in the lowest byte, so one
    /// little-endian store writes them in order. Splits into 4+4, 2+2+2+2, then 1×8 digits with
    /// multiply-shift divisions that work on all lanes of the word at once (each lane's product stays
    /// below the next lane, and the masks drop the bits shifted in from above).
    @inline(__always)
    private static func eightDigits(_ value: UInt64) -> UInt64 {
        let abcdEfgh = value / 10_000 | (value % 10_000) << 32
        let abEf = ((abcdEfgh &* 10_486) >> 20) & 0x0000_007F_0000_007F
        let abCdEfGh = abEf | (abcdEfgh &- abEf &* 100) << 16
        let aCEG = ((abCdEfGh &* 103) >> 10) & 0x000F_000F_000F_000F
        let digits = aCEG | (abCdEfGh &- aCEG &* 10) << 8
        return digits | 0x3030_3030_3030_3030
    }

    /// Writes the `count` decimal digits of `value` at `p[0..<count]`, eight at a time from the right.
    @inline(__always)
    private static func writeDigits(_ value: UInt64, count: Int, to p: UnsafeMutablePointer<UInt8>) {
        var rest = value
        var at = count
        if at >= 16 {
            // Two independent eight-digit chunks, so the CPU can overlap their dependency chains.
            let low = rest % 100_000_000
            let middle = rest / 100_000_000 % 100_000_000
            rest /= 10_000_000_000_000_000
            at -= 16
            UnsafeMutableRawPointer(p + at + 8).storeBytes(
                of: eightDigits(low).littleEndian, toByteOffset: 0, as: UInt64.self)
            UnsafeMutableRawPointer(p + at).storeBytes(
                of: eightDigits(middle).littleEndian, toByteOffset: 0, as: UInt64.self)
        }
        while at >= 8 {
            at -= 8
            UnsafeMutableRawPointer(p + at).storeBytes(
                of: eightDigits(rest % 100_000_000).littleEndian, toByteOffset: 0, as: UInt64.self)
            rest /= 100_000_000
        }
        while at > 0 {
            at -= 1
            p[at] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
    }

    /// 10^0 … 10^19. A global array of literals is laid out statically, with no lazy initialisation (a
    /// `switch` compiled to a jump table, an indirect branch that mispredicted whenever the digit count
    /// changed).
    private static let powersOfTen: [UInt64] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
        10_000_000_000_000_000_000,
    ]

    /// The number of decimal digits of `value` (> 0): floor(log10) from the bit length (1233/4096 ≈ log10 2),
    /// corrected by one comparison, with no branch.
    @inline(__always)
    private static func digitCount(_ value: UInt64) -> Int {
        let estimate = ((64 &- value.leadingZeroBitCount) &* 1233) &>> 12
        return powersOfTen.withUnsafeBufferPointer { estimate &+ (value >= $0[estimate] ? 1 : 0) }
    }

    /// The 17 digits of `value` (< 10^17), zero-padded: the first as one ASCII byte, then two words of eight
    /// (first digit in the lowest byte), ready for little-endian stores.
    @inline(__always)
    private static func seventeenDigits(_ value: UInt64) -> (first: UInt8, middle: UInt64, last: UInt64) {
        // One 64-bit division by 10^8, then 32-bit arithmetic on the upper nine digits: a shorter chain than
        // dividing by 10^16 first.
        let upper = value / 100_000_000
        let last = value &- upper &* 100_000_000
        let upper32 = UInt32(truncatingIfNeeded: upper)
        let first = upper32 / 100_000_000
        let middle = upper32 &- first &* 100_000_000
        return (UInt8(truncatingIfNeeded: first) | 0x30, eightDigits(UInt64(middle)), eightDigits(last))
    }

    /// Stores the 17 zero-padded digits of `value` (< 10^17) at `p[0..<17]`.
    @inline(__always)
    private static func storeSeventeenDigits(_ value: UInt64, at p: UnsafeMutablePointer<UInt8>) {
        let (first, middle, last) = seventeenDigits(value)
        p[0] = first
        UnsafeMutableRawPointer(p + 1).storeBytes(of: middle.littleEndian, as: UInt64.self)
        UnsafeMutableRawPointer(p + 9).storeBytes(of: last.littleEndian, as: UInt64.self)
    }

    /// Lays out `f · 10^e` as `repr` does. `f == 0` writes "0.0".
    @inline(always)
    private static func format(_ significand: UInt64, _ exponent: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var f = significand
        var e = exponent
        if f == 0 {
            p[0] = UInt8(ascii: "0")
            p[1] = UInt8(ascii: ".")
            p[2] = UInt8(ascii: "0")
            return 3
        }
        while f % 10 == 0 {
            f /= 10
            e += 1
        }
        let n = digitCount(f)
        let decimalExponent = e + n - 1
        if n >= 15, n <= 17 {
            // The layouts of nearly every value written in full precision, with the digits stored as three
            // fixed-size words at an offset (no digit loop, no shuffle): the zero padding of the 17 digits
            // lands on bytes that are rewritten afterwards, and nothing goes past p[22].
            if decimalExponent == 0, n >= 16 {
                // d.ddd: the digits from p[1], the first moved in front of the point.
                storeSeventeenDigits(f, at: p + (n - 16))
                p[0] = p[1]
                p[1] = UInt8(ascii: ".")
                return n + 1
            }
            if decimalExponent < 0, decimalExponent >= -4, n - decimalExponent >= 16 {
                // 0.000ddd: zeros first, then the digits (the padding only adds zeros), then "0." again.
                UnsafeMutableRawPointer(p).storeBytes(of: UInt64(0x3030_3030_3030_2E30).littleEndian, as: UInt64.self)
                storeSeventeenDigits(f, at: p + (n - decimalExponent - 16))
                p[0] = UInt8(ascii: "0")
                p[1] = UInt8(ascii: ".")
                return n - decimalExponent + 1
            }
            if decimalExponent < -4 || decimalExponent >= 16, n >= 16 {
                // d.ddde±XX
                storeSeventeenDigits(f, at: p + (n - 16))
                p[0] = p[1]
                p[1] = UInt8(ascii: ".")
                return n + 1 + writeExponent(decimalExponent, to: p + n + 1)
            }
        }
        if decimalExponent >= -4, decimalExponent < 16 {
            if e >= 0 {
                // ddd000.0
                writeDigits(f, count: n, to: p)
                var w = n
                for _ in 0..<e {
                    p[w] = UInt8(ascii: "0")
                    w += 1
                }
                p[w] = UInt8(ascii: ".")
                p[w + 1] = UInt8(ascii: "0")
                return w + 2
            }
            if decimalExponent >= 0 {
                // dd.ddd: digits one place right, then the integer digits back left over the point.
                let integerDigits = decimalExponent + 1
                writeDigits(f, count: n, to: p + 1)
                for j in 0..<integerDigits { p[j] = p[j + 1] }
                p[integerDigits] = UInt8(ascii: ".")
                return n + 1
            }
            // 0.000ddd
            p[0] = UInt8(ascii: "0")
            p[1] = UInt8(ascii: ".")
            var w = 2
            for _ in 0..<(-decimalExponent - 1) {
                p[w] = UInt8(ascii: "0")
                w += 1
            }
            writeDigits(f, count: n, to: p + w)
            return w + n
        }
        // d.ddde±XX
        var w: Int
        if n > 1 {
            writeDigits(f, count: n, to: p + 1)
            p[0] = p[1]
            p[1] = UInt8(ascii: ".")
            w = n + 1
        } else {
            p[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: f)
            w = 1
        }
        return w + writeExponent(decimalExponent, to: p + w)
    }

    /// Writes `e±XX` (at least two exponent digits, as `repr` does), returning the number of bytes.
    @inline(__always)
    private static func writeExponent(_ exponent: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let negative = exponent < 0
        let magnitude = UInt32(truncatingIfNeeded: negative ? -exponent : exponent)
        // "e-" or "e+", then the digits two bytes at a time.
        let sign: UInt16 = negative ? 0x2D65 : 0x2B65
        UnsafeMutableRawPointer(p).storeBytes(of: sign.littleEndian, as: UInt16.self)
        var w = 2
        var rest = magnitude
        if magnitude >= 100 {
            p[2] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude / 100)
            rest = magnitude % 100
            w = 3
        }
        let tens = rest / 10
        let pair = 0x3030 | UInt16(truncatingIfNeeded: tens) | UInt16(truncatingIfNeeded: rest &- tens &* 10) << 8
        UnsafeMutableRawPointer(p + w).storeBytes(of: pair.littleEndian, as: UInt16.self)
        return w + 2
    }
}
