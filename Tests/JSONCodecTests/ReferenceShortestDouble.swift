@testable import JSONCodec

// The shortest-double printer as it was before the Dragonbox digits (commit cb987a4), unchanged but for its
// name and `@inline(__always)` for `@inline(always)`: the reference `ShortestDoubleTests` compares the
// current printer with, byte for byte. It uses the module's Schubfach table, `schubfachG`.

/// Shortest round-trip formatting of a finite Double, spelled as Python's `repr` spells it: Giulietti's
/// Schubfach digits, laid out as `repr` does.
enum ReferenceShortestDouble {
    /// The most bytes `write` produces: "-1.2345678901234567e-308" is 24.
    static let maxLength = 24

    /// Writes `value` (finite) at `p`, returning the number of bytes written.
    ///
    /// This and `format` are `@inline(__always)` (SE-0496, Swift 6.3): as plain or `@inline(__always)`
    /// functions they stayed two calls per number, each saving and restoring six registers; inlined into
    /// the encoder's loops, JSONCodecBench's encode of the `large` answer is about 2 % faster.
    @inline(__always)
    static func write(_ value: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let bits = value.bitPattern
        // The sign without a branch (half of all values are negative, at random): a '-' that the digits
        // overwrite when the value is positive.
        p[0] = UInt8(ascii: "-")
        let at = Int(bits >> 63)
        let fraction = bits & ((1 << 52) - 1)
        let biasedExponent = Int(bits >> 52 & 0x7FF)
        let decimal: (significand: UInt64, exponent: Int)
        if biasedExponent != 0 {
            let c = 1 << 52 | fraction
            let mq = 1075 - biasedExponent  // value = c · 2^-mq
            if mq > 0, mq < 53, (c >> UInt64(mq)) << UInt64(mq) == c {
                // An integer below 2^53: its digits are exact and shortest once trailing zeros go.
                decimal = (c >> UInt64(mq), 0)
            } else {
                decimal = toDecimal(q: -mq, c: c, dk: 0)
            }
        } else if fraction != 0 {
            // Subnormal; the tiniest ones are scaled by 10 so the interval arithmetic keeps enough digits.
            decimal =
                fraction < 3 ? toDecimal(q: -1074, c: 10 * fraction, dk: -1) : toDecimal(q: -1074, c: fraction, dk: 0)
        } else {
            decimal = (0, 0)
        }
        return at + format(decimal.significand, decimal.exponent, to: p + at)
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
    @inline(__always)
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
