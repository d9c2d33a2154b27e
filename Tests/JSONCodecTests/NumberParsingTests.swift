import JSONCodec
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads one JSON number through the public API.
private func read(_ literal: String) throws -> Double {
    try decodeJSON(Double.self, from: Array(literal.utf8))
}

/// glibc's correctly rounded conversion: the reference every result is compared with.
private func strtodReference(_ literal: String) -> Double {
    literal.withCString { strtod($0, nil) }
}

/// Equal as bit patterns, so -0.0 ≠ 0.0 and a one-ulp miss is a failure.
private func expectBits(
    _ actual: Double, _ expected: Double, _ literal: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        actual.bitPattern == expected.bitPattern, "\(literal): got \(actual), expected \(expected)",
        sourceLocation: sourceLocation)
}

@Suite struct NumberParsingTests {
    /// Literals where a careless conversion is off by one ulp: the subnormal boundary, the largest finite
    /// Double, exact halfway points between neighbours (round to even) and one digit either side of them,
    /// and significands longer than 19 digits (beyond the 64-bit fast path).
    static let hardCases: [(String, Double)] = [
        ("5e-324", Double(bitPattern: 1)),
        ("4.9406564584124654e-324", Double(bitPattern: 1)),
        ("2.4703282292062328e-324", Double(bitPattern: 1)),  // just above half the smallest subnormal
        ("2.4703282292062327e-324", 0),  // just below: rounds to zero
        ("2.2250738585072011e-308", Double(bitPattern: 0x000F_FFFF_FFFF_FFFF)),  // largest subnormal
        ("2.2250738585072012e-308", Double.leastNormalMagnitude),
        ("2.2250738585072014e-308", Double.leastNormalMagnitude),
        ("2.2250738585072009e-308", Double(bitPattern: 0x000F_FFFF_FFFF_FFFF)),
        ("1.7976931348623157e308", Double.greatestFiniteMagnitude),
        ("1.7976931348623158e308", Double.greatestFiniteMagnitude),  // below the overflow threshold
        ("9007199254740993", 9_007_199_254_740_992),  // 2^53 + 1: a tie, rounds to even
        ("9007199254740995", 9_007_199_254_740_996),  // a tie the other way
        ("9007199254740993.0000000000000001", 9_007_199_254_740_994),  // just above the tie
        ("2.00000000000000011102230246251565404236316680908203125", 2),  // a quarter ulp above 2
        ("2.0000000000000002220446049250313080847263336181640625", 2),  // 2 + 2^-52: a tie, to even
        ("2.0000000000000002220446049250313080847263336181640626", 2.0000000000000004),
        ("2.0000000000000002220446049250313080847263336181640624", 2),
        ("1.00000000000000011102230246251565404236316680908203125", 1),  // 1 + 2^-53: a tie, to even
        ("0.1", 0.1),
        ("-0", -0.0),
        ("-0.0e5", -0.0),
        ("0e-9999999999", 0),
        ("1e-400", 0),
        ("-1e-400", -0.0),
        ("123456789012345678901234567890", 1.2345678901234568e29),
        ("0.000000000000000000000000000001234567890123456789012", 1.2345678901234568e-30),
        ("7.2057594037927933e16", 72_057_594_037_927_936),
        ("1e23", 1e23),
        ("8.98846567431158e307", 8.98846567431158e307),
        ("-1.2345678901234567", -1.2345678901234567),
        ("3.0e0", 3),
        ("1E+2", 100),
    ]

    @Test(arguments: hardCases)
    func readsHardCasesExactly(_ literal: String, _ expected: Double) throws {
        expectBits(try read(literal), expected, literal)
        expectBits(strtodReference(literal), expected, literal + " (strtod)")
    }

    @Test(arguments: [
        "1e400", "-1e400", "1.7976931348623159e308", "1.8e308", "-1.7976931348623159e308", "1e99999999999",
    ])
    func refusesLiteralsBeyondTheLargestDouble(_ literal: String) {
        #expect(throws: JSONDecodingError(.numberOutOfRange(literal: literal), path: "")) { try read(literal) }
    }

    @Test func outOfRangeNamesTheElement() {
        let body = Array(#"{"logits": [[1, 2], [3, 1e400]]}"#.utf8)
        struct Body: Decodable { var logits: [[Double]] }
        let error = #expect(throws: JSONDecodingError.self) { try decodeJSON(Body.self, from: body) }
        #expect(error?.description == "logits[1][1]: number 1e400 is out of range")
        #expect(error?.isSyntaxError == false)
    }

    /// One million random finite bit patterns (in batches, through the `[Double]` fast paths): written by
    /// the encoder, read back bit-exact, and every literal compared with `strtod`. Fewer in debug builds,
    /// where the same code runs about 20 times slower; the release run covers the million.
    @Test func randomBitPatternsRoundTripAndAgreeWithStrtod() throws {
        #if DEBUG
            let batches = 4
        #else
            let batches = 20
        #endif
        var generator = SplitMix64(seed: 0x5EED_1234)
        for _ in 0..<batches {
            var values: [Double] = []
            values.reserveCapacity(50_000)
            while values.count < 50_000 {
                let value = Double(bitPattern: generator.next())
                if value.isFinite { values.append(value) }
            }
            let text = try encodeJSON(values)
            let back = try decodeJSON([Double].self, from: text)
            #expect(back.count == values.count)
            var mismatches = 0
            for (a, b) in zip(back, values) where a.bitPattern != b.bitPattern { mismatches += 1 }
            #expect(mismatches == 0)
            // Each literal on its own through strtod.
            var disagreements = 0
            var start = 1
            var index = 0
            text.withUnsafeBufferPointer { bytes in
                var literal = [CChar](repeating: 0, count: 40)
                for end in 1..<bytes.count where bytes[end] == UInt8(ascii: ",") || bytes[end] == UInt8(ascii: "]") {
                    for k in start..<end { literal[k - start] = CChar(bitPattern: bytes[k]) }
                    literal[end - start] = 0
                    if strtod(literal, nil).bitPattern != back[index].bitPattern { disagreements += 1 }
                    index += 1
                    start = end + 1
                }
            }
            #expect(index == values.count)
            #expect(disagreements == 0)
        }
    }

    /// Literals with many digits and exponents spread over the whole range: these reach Eisel–Lemire's
    /// slow side and the strtod fallback, which random shortest spellings rarely do.
    @Test func randomLongLiteralsAgreeWithStrtod() throws {
        var generator = SplitMix64(seed: 42)
        var literals: [String] = []
        for i in 0..<20_000 {
            let digits = 1 + Int(generator.next() % 25)
            var text = generator.next() % 2 == 0 ? "-" : ""
            text += String(1 + generator.next() % 9)
            if digits > 1 {
                text += "."
                for _ in 1..<digits { text += String(generator.next() % 10) }
            }
            let exponent = Int(generator.next() % 660) - 330
            text += i % 3 == 0 ? "e\(exponent)" : exponent < 0 ? "E\(exponent)" : "E+\(exponent)"
            literals.append(text)
        }
        let body = Array(("[" + literals.joined(separator: ",") + "]").utf8)
        let expected = literals.map { strtodReference($0) }
        let allFinite = expected.allSatisfy(\.isFinite)
        if allFinite {
            let values = try decodeJSON([Double].self, from: body)
            for (i, value) in values.enumerated() where value.bitPattern != expected[i].bitPattern {
                Issue.record("\(literals[i]): got \(value), strtod says \(expected[i])")
            }
        } else {
            for (literal, reference) in zip(literals, expected) {
                if reference.isFinite {
                    expectBits(try read(literal), reference, literal)
                } else {
                    #expect(throws: JSONDecodingError.self) { try read(literal) }
                }
            }
        }
    }

    @Test func floatsAreRoundedOnceFromTheLiteral() throws {
        // 1.00000005960464477539062500001 is just above the midpoint between 1 and the next Float; the
        // nearest Double is the midpoint itself, so Double-then-Float would round down to 1.
        let literal = "1.00000005960464477539062500001"
        #expect(try decodeJSON(Float.self, from: Array(literal.utf8)) == Float(1).nextUp)
        #expect(try decodeJSON(Float.self, from: Array("0.1".utf8)) == Float(0.1))
        #expect(
            try decodeJSON([Float].self, from: Array("[1.5, -2, 3.4028235e38]".utf8)) == [
                1.5, -2, .greatestFiniteMagnitude,
            ])
        #expect(throws: JSONDecodingError(.numberOutOfRange(literal: "3.5e38"), path: "")) {
            try decodeJSON(Float.self, from: Array("3.5e38".utf8))
        }
    }

    /// Every digit count from 1 to 22 (the eight-digit words, the partial word after them, and the switch to
    /// strtod past 19), split at every place by the decimal point, and with a sign or not: each read on its
    /// own, where the last digit is the last byte of the input (no word may be loaded past it), and inside
    /// arrays, where the fast path for runs of numbers reads it followed by `,`, `]` or whitespace.
    @Test func digitRunsOfEveryLengthAndSplitAgreeWithStrtod() throws {
        var generator = SplitMix64(seed: 0xD161_7500)
        var literals: [String] = []
        for count in 1...22 {
            for pointAfter in 1...count {
                for negative in [false, true] {
                    var digits = (0..<count).map { _ in Character(String(generator.next() % 10)) }
                    if digits[0] == "0", pointAfter > 1 { digits[0] = "7" }  // no leading zero
                    var text = negative ? "-" : ""
                    text += String(digits[..<pointAfter])
                    if pointAfter < count { text += "." + String(digits[pointAfter...]) }
                    literals.append(text)
                }
            }
        }
        for literal in literals {
            let reference = strtodReference(literal)
            expectBits(try read(literal), reference, literal)
            expectBits(try read(" " + literal + "\n"), reference, literal + " (with whitespace)")
            let one = try decodeJSON([Double].self, from: Array("[\(literal)]".utf8))
            expectBits(one[0], reference, "[\(literal)]")
        }
        for separator in [",", ", ", " ,", ",\n  "] {
            let text = "[" + literals.joined(separator: separator) + " ]"
            let values = try decodeJSON([Double].self, from: Array(text.utf8))
            #expect(values.count == literals.count)
            for (value, literal) in zip(values, literals) {
                expectBits(
                    value, strtodReference(literal), literal + " (in an array, separator \(separator.debugDescription))"
                )
            }
        }
    }

    /// The run fast path hands anything unusual back to the general reader, which must then find the same
    /// errors it always did: at the end of the input, in the middle of a run, right after a long digit run.
    @Test(arguments: [
        "[1.5,2.25,-", "[1.5,2.25,-]", "[12345678.", "[12345678.]", "[1.2345678901234567,01]", "[0.1,1.e5]",
        "[1.5,2.5e]", "[1.5,2.5e+]", "[123456789012345678", "[1.5,-x]", "[1.5,2.5", "[1.5,2.5,]", "[1.5 2.5]",
        "[1234567812345678.", "[-0.12345678,--1]", "[1.5,2.5e-]", "[1.5,1e+-3]", "[1.5,1E]", "[1.5,1e5.5]",
        "[1.5,1e-0005x]", "[1.5,1e12345", "[1.5,2.5e+3", "[1e]", "[-1.5E-]", "[1.5,2.5e1,3e]",
    ])
    func malformedNumbersInRunsAreSyntaxErrors(_ text: String) {
        let error = #expect(throws: JSONDecodingError.self) { try decodeJSON([Double].self, from: Array(text.utf8)) }
        #expect(error?.isSyntaxError == true, "\(text): \(String(describing: error))")
    }

    /// Numbers the run fast path leaves to the general reader (exponents, integers written as such, more than
    /// 19 digits, leading zeros in the fraction) mixed with ones it takes, in one array, keep their order.
    @Test func mixedRunsKeepTheirOrder() throws {
        let literals = [
            "1", "-2.5", "3e2", "0.000123", "12345678901234567890123", "-0", "0.5", "7E-3", "1.7976931348623157e308",
            "5e-324", "9007199254740993", "0.1",
        ]
        var many: [String] = []
        for k in 0..<600 { many.append(literals[k % literals.count]) }  // more than one staging chunk
        let values = try decodeJSON([Double].self, from: Array(("[" + many.joined(separator: ",") + "]").utf8))
        #expect(values.count == many.count)
        for (value, literal) in zip(values, many) { expectBits(value, strtodReference(literal), literal) }
    }

    /// Exponent literals inside arrays, where the run fast path now reads exponents of up to four digits
    /// itself: significands of 1 to 21 digits (19 is the most the fast path takes, 20 and more go to the
    /// exact fallback), exponents of every spelling (`e`, `E`, `+`, `-`, leading zeros, five digits, which
    /// the general reader takes), near the ends of the range (±308, the subnormals down to 1e-324 and
    /// below), negative zero; each compared with strtod, first, inside and last in an array.
    @Test func exponentLiteralsInArraysAgreeWithStrtod() throws {
        var generator = SplitMix64(seed: 0xE590_0E27)
        var literals = [
            "1e308", "1.7976931348623157e+308", "1.7976931348623157E308", "2.2250738585072014e-308",
            "2.2250738585072011e-308", "4.9406564584124654e-324", "5e-324", "2.4703282292062328e-324",
            "2.4703282292062327e-324", "1e-324", "3e-324", "1e-0400", "-0e0", "-0.0e-0000", "0e9999", "-0E+5",
            "9007199254740993e0", "1234567890123456789e-10", "9999999999999999999e-343", "12345678901234567890e-10",
            "123456789012345678901e+5", "7.0459558397441e-06", "1e00001", "1e-00001", "4.5e0022", "1e22", "1e23",
            "8.98846567431158e307", "0.000000000000000000001e-300",
        ]
        for digits in 1...21 {
            for exponent in [-330, -324, -310, -308, -300, -23, -22, -6, -1, 0, 1, 15, 22, 23, 300, 307, 308] {
                var significand = String((0..<digits).map { _ in Character(String(generator.next() % 10)) })
                if significand.first == "0" { significand = "4" + significand.dropFirst() }
                let point = 1 + Int(generator.next() % UInt64(digits))
                let mantissa =
                    point < digits
                    ? significand.prefix(point) + "." + significand.dropFirst(point) : Substring(significand)
                let sign = generator.next() % 2 == 0 ? "" : "-"
                let letter = generator.next() % 2 == 0 ? "e" : "E"
                let exponentSign = exponent < 0 ? "-" : (generator.next() % 2 == 0 ? "" : "+")
                literals.append("\(sign)\(mantissa)\(letter)\(exponentSign)\(abs(exponent))")
            }
        }
        for literal in literals {
            let reference = strtodReference(literal)
            guard reference.isFinite else { continue }
            expectBits(try read(literal), reference, literal)
            for (text, index) in [("[\(literal)]", 0), ("[0.5,\(literal),1]", 1), ("[-2.5, \(literal)]", 1)] {
                let values = try decodeJSON([Double].self, from: Array(text.utf8))
                expectBits(values[index], reference, text)
            }
        }
    }

    @Test(arguments: ["1e400", "-1e400", "1e9999", "1.7976931348623159e308", "1e99999999999"])
    func refusesLiteralsBeyondTheLargestDoubleInArrays(_ literal: String) {
        #expect(throws: JSONDecodingError(.numberOutOfRange(literal: literal), path: "[1]")) {
            try decodeJSON([Double].self, from: Array("[0.5,\(literal),2]".utf8))
        }
    }
}
