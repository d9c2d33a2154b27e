import Glibc

/// Exact decimal → binary64 conversion for JSON number literals.
///
/// Three tiers, each exact where it answers:
/// 1. Clinger's fast path: a significand of at most 2^53 and a power of ten up to 10^22 are both exact
///    Doubles, so one IEEE multiplication or division rounds the true value once, correctly.
/// 2. Eisel–Lemire: multiply the (normalised) 64-bit significand by a 128-bit truncated 5^q and read the
///    rounded result off the high bits. When the truncated product cannot decide the rounding (the low
///    bits are all ones after the second word, or a round-to-even tie sits inside the error band) it
///    gives up rather than guess.
/// 3. glibc `strtod`, which is correctly rounded, on a NUL-terminated copy of the literal: literals with
///    more than 19 significant digits and the rare cases Eisel–Lemire declines.
enum DecimalConversion {
    /// 10^0 … 10^22, every one exactly representable as a Double (5^22 < 2^53).
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The Double nearest to `significand × 10^exponent`, or nil when only a slow, exact method can tell.
    /// `significand` holds at most 19 decimal digits, so it is exact.
    @inline(__always)
    static func fastDouble(significand w: UInt64, exponent q: Int) -> Double? {
        if w == 0 { return 0 }
        if q >= -22, q <= 22, w <= 1 << 53 {
            let d = Double(w)
            return q < 0 ? d / exactPowersOfTen[-q] : d * exactPowersOfTen[q]
        }
        return eiselLemire(significand: w, exponent: q)
    }

    /// Eisel–Lemire for binary64, after fast_float's `compute_float` (Lemire, "Number Parsing at a
    /// Gigabyte per Second", 2021), including its original guard: give up when the 128-bit product is
    /// still ambiguous, so the caller falls back to an exact method.
    static func eiselLemire(significand: UInt64, exponent q: Int) -> Double? {
        if q < -342 { return 0 }  // below half the smallest subnormal for any 19-digit significand
        if q > 308 { return .infinity }
        let leadingZeros = significand.leadingZeroBitCount
        let w = significand << UInt64(leadingZeros)
        let index = 2 * (q + 342)
        var (high, low) = w.multipliedFullWidth(by: powersOfFive128[index])
        let precisionMask: UInt64 = 0x1FF  // the 9 bits below the 55 we keep (52 + implicit + round + sticky)
        if high & precisionMask == precisionMask {
            let second = w.multipliedFullWidth(by: powersOfFive128[index + 1]).high
            let (sum, carry) = low.addingReportingOverflow(second)
            low = sum
            if carry { high &+= 1 }
        }
        // Outside -27...55 the table entry is itself truncated, so an all-ones low word might hide a carry.
        if low == .max, q < -27 || q > 55 { return nil }
        let upperBit = Int(high >> 63)
        let shift = UInt64(upperBit + 9)
        var mantissa = high >> shift
        // floor(q · log2(10)) + 63, computed exactly for |q| ≤ 2^12 with the fixed-point 217706 / 2^16.
        var power2 = ((217_706 * q) >> 16) + 63 + upperBit - leadingZeros + 1023
        if power2 <= 0 {
            // Subnormal (or zero): shift into place and round to nearest; no tie can occur here in the
            // range Eisel–Lemire accepts, as fast_float proves.
            if -power2 + 1 >= 64 { return 0 }
            mantissa >>= UInt64(-power2 + 1)
            mantissa += mantissa & 1
            mantissa >>= 1
            power2 = mantissa < (1 << 52) ? 0 : 1
            return Double(bitPattern: UInt64(power2) << 52 | (mantissa & ((1 << 52) - 1)))
        }
        // A product whose low bits are exactly zero may be a true halfway case: round to even.
        if low <= 1, q >= -4, q <= 23, mantissa & 3 == 1, mantissa << shift == high {
            mantissa &= ~1
        }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= 2 << 52 {
            mantissa = 1 << 52
            power2 += 1
        }
        if power2 >= 0x7FF { return .infinity }
        return Double(bitPattern: UInt64(power2) << 52 | (mantissa & ((1 << 52) - 1)))
    }

    /// Correctly rounded conversion of `literal` (a valid JSON number) by glibc.
    static func strtodExact(_ literal: UnsafeBufferPointer<UInt8>) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: literal.count + 1) { buffer in
            for (i, byte) in literal.enumerated() { buffer[i] = CChar(bitPattern: byte) }
            buffer[literal.count] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }

    /// Correctly rounded binary32 conversion of `literal` (a valid JSON number) by glibc.
    static func strtofExact(_ literal: UnsafeBufferPointer<UInt8>) -> Float {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: literal.count + 1) { buffer in
            for (i, byte) in literal.enumerated() { buffer[i] = CChar(bitPattern: byte) }
            buffer[literal.count] = 0
            return strtof(buffer.baseAddress!, nil)
        }
    }

    /// The Float nearest to the literal whose nearest Double is `double`.
    ///
    /// Rounding twice (decimal → Double → Float) is only wrong when the Double lands exactly on a point
    /// halfway between two Floats: every such point is a Double, so the true value and `double` lie on the
    /// same side of every other one. Those ties, rare, go to `strtof`.
    static func float(fromDouble double: Double, literal: UnsafeBufferPointer<UInt8>) -> Float {
        let nearest = Float(double)
        let back = Double(nearest)
        if back == double || !nearest.isFinite && !double.isFinite { return nearest }
        let other = double > back ? nearest.nextUp : nearest.nextDown
        if other.isFinite, Double(other) - double == double - back {
            return strtofExact(literal)
        }
        if !nearest.isFinite {
            // Above the largest Float: the tie with 2^128 decides between max and infinity.
            let limit = Double(Float.greatestFiniteMagnitude) + Double(Float.greatestFiniteMagnitude.ulp) / 2
            if abs(double) == limit { return strtofExact(literal) }
        }
        return nearest
    }
}

/// An exact integer read from a JSON number literal, which may be written `3`, `3.0`, `30e-1` or `3e0`.
enum IntegerConversion {
    enum Failure: Error {
        case notAnInteger
        case outOfRange
    }

    static func integer<T: FixedWidthInteger>(_: T.Type, from literal: UnsafeBufferPointer<UInt8>) throws(Failure) -> T
    {
        var i = 0
        let negative = literal[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        // Significant digits (leading zeros dropped) and the power of ten they are scaled by.
        var digits: [UInt8] = []
        var exponent = 0
        var seenPoint = false
        while i < literal.count {
            let byte = literal[i]
            if byte == UInt8(ascii: ".") {
                seenPoint = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                break
            } else {
                if !(digits.isEmpty && byte == UInt8(ascii: "0")) { digits.append(byte &- UInt8(ascii: "0")) }
                if seenPoint { exponent -= 1 }
            }
            i += 1
        }
        if i < literal.count {
            i += 1
            var expNegative = false
            if literal[i] == UInt8(ascii: "-") || literal[i] == UInt8(ascii: "+") {
                expNegative = literal[i] == UInt8(ascii: "-")
                i += 1
            }
            var value = 0
            while i < literal.count {
                value = min(value * 10 + Int(literal[i] &- UInt8(ascii: "0")), 1 << 40)
                i += 1
            }
            exponent += expNegative ? -value : value
        }
        while let last = digits.last, last == 0 {
            digits.removeLast()
            exponent += 1
        }
        if digits.isEmpty { return 0 }
        if exponent < 0 { throw .notAnInteger }
        if digits.count + exponent > 20 { throw .outOfRange }
        var magnitude: UInt64 = 0
        for digit in digits + [UInt8](repeating: 0, count: exponent) {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            if o1 || o2 { throw .outOfRange }
            magnitude = sum
        }
        if !negative {
            guard let value = T(exactly: magnitude) else { throw .outOfRange }
            return value
        }
        guard T.isSigned, magnitude - 1 <= UInt64(Int64.max), let value = T(exactly: -Int64(magnitude - 1) - 1) else {
            throw .outOfRange
        }
        return value
    }
}
