import TestSupport
import Testing

@testable import JSONCodec

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The printer's bytes for `values`, each followed by a comma.
private func printed(_ values: [Double], by write: (Double, UnsafeMutablePointer<UInt8>) -> Int) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: values.count * (ShortestDouble.maxLength + 1)) { buffer, count in
        var w = buffer.baseAddress!
        for value in values {
            w += write(value, w)
            w.pointee = UInt8(ascii: ",")
            w += 1
        }
        count = w - buffer.baseAddress!
    }
}

/// The current printer's list writer on `values`: `n,n,…`.
private func printedList(_ values: [Double]) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: values.count * (ShortestDouble.maxLength + 1)) { buffer, count in
        count = values.withUnsafeBufferPointer { ShortestDouble.write($0, to: buffer.baseAddress!) }
    }
}

/// Compares the current printer (one value at a time, and the list writer) with the reference on `values`,
/// recording the first few that differ.
private func expectSameSpelling(_ values: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
    let old = printed(values) { ReferenceShortestDouble.write($0, to: $1) }
    let new = printed(values) { ShortestDouble.write($0, to: $1) }
    #expect(printedList(values) == old.dropLast(), "the list writer differs", sourceLocation: sourceLocation)
    if new == old { return }
    var reported = 0
    for value in values where reported < 10 {
        let a = printed([value]) { ShortestDouble.write($0, to: $1) }
        let b = printed([value]) { ReferenceShortestDouble.write($0, to: $1) }
        if a != b {
            reported += 1
            let bits = String(value.bitPattern, radix: 16)
            let message =
                "bits 0x\(bits): \(String(decoding: a, as: UTF8.self)) instead of \(String(decoding: b, as: UTF8.self))"
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        }
    }
    if reported == 0 { Issue.record("the texts differ", sourceLocation: sourceLocation) }
}

/// The printer must write the same bytes as before for every Double (the service's answers are compared
/// byte for byte by clients and by the bench): it is checked against the previous printer, kept as
/// `ReferenceShortestDouble`, on seeded random bit patterns, on the edges of each branch of the digit
/// generation and of the layout, and on the shapes the service writes.
@Suite struct ShortestDoubleTests {
    /// Random bit patterns, both signs, over the whole exponent range: 4 million in release builds, 1 million
    /// in debug ones (about 20 times slower).
    @Test func randomBitPatternsPrintAsBefore() {
        #if DEBUG
            let batches = 10
        #else
            let batches = 40
        #endif
        var generator = SplitMix64(seed: 0x5107_7E57)
        for _ in 0..<batches {
            var values: [Double] = []
            values.reserveCapacity(100_000)
            while values.count < 100_000 {
                let value = Double(bitPattern: generator.next())
                if value.isFinite { values.append(value) }
            }
            expectSameSpelling(values)
        }
    }

    /// Every power of two (where the rounding interval is asymmetric) with two neighbours each side; the
    /// smallest and largest subnormals; powers of ten and their neighbours (where the digit count and the
    /// layout change); integers around 2^53 and 10^15…10^17; zeros and the extremes.
    @Test func edgesPrintAsBefore() {
        var values: [Double] = [0, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude]
        for exponent in -1074...1023 {
            var value = Double(sign: .plus, exponent: exponent, significand: 1)
            values.append(value)
            for _ in 0..<2 {
                value = value.nextUp
                values.append(value)
            }
            value = Double(sign: .plus, exponent: exponent, significand: 1)
            for _ in 0..<2 {
                value = value.nextDown
                values.append(value)
            }
        }
        for bits in UInt64(1)...2_000 {
            values.append(Double(bitPattern: bits))
            values.append(Double(bitPattern: (1 << 52) - bits))
        }
        for exponent in -325...308 {
            guard let power = Double("1e\(exponent)") else { continue }
            var up = power
            var down = power
            values.append(power)
            for _ in 0..<3 {
                up = up.nextUp
                down = down.nextDown
                values += [up, down]
            }
        }
        for base in [0x1p53, 1e15, 1e16, 1e17] {
            for offset in -40...40 { values.append(base + Double(offset)) }
        }
        values += values.map { -$0 }
        expectSameSpelling(values.filter(\.isFinite))
    }

    /// The list writer takes two values per step: every count from 0 to 5, so both the even and the odd end.
    @Test func listsOfEveryShortLengthPrintAsBefore() {
        let values = [-1.2345678901234567, 7.0459558397441e-06, 0.49671415, -0.0, 1e300, .leastNonzeroMagnitude]
        for count in 0...values.count { expectSameSpelling(Array(values.prefix(count))) }
    }

    /// The numbers of the service's payloads: uniform logits of 16–17 digits, the seed example's 8-decimal
    /// shape, a softmax over them (probabilities spelled `d.ddde-06`), and values of 1…17 significant digits
    /// spread over the decimal exponents -9…1.
    @Test func payloadShapesPrintAsBefore() {
        var generator = SplitMix64(seed: 0x1061_75)
        var logits: [Double] = []
        var values: [Double] = []
        for _ in 0..<100_000 {
            let unit = Double(generator.next() >> 11) / 0x1p53
            logits.append(unit * 20 - 10)
            values.append(Double(Int64(unit * 4e8) - 200_000_000) / 1e8)
        }
        let largest = logits.max()!
        let exponentials = logits.map { exp($0 - largest) }
        let total = exponentials.reduce(0, +)
        values += logits + exponentials.map { $0 / total }
        for _ in 0..<100_000 {
            let unit = Double(generator.next() >> 11) / 0x1p53
            let exponent = Int(generator.next() % 11) - 9
            var value = (1 + 9 * unit) * Double("1e\(exponent)")!
            let digits = Int(generator.next() % 18)
            if digits > 0 {
                let scale = Double("1e\(digits - 1 - exponent)")!
                value = (value * scale).rounded() / scale
            }
            values.append(generator.next() % 2 == 0 ? value : -value)
        }
        expectSameSpelling(values)
    }
}
