import JSONCodec
import TestSupport
import Testing

private func text<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try encodeJSON(value), as: UTF8.self)
}

@Suite struct JSONEncodingTests {
    /// Python's `repr` of each value (checked with CPython 3): the spelling the contract promises.
    static let reprCases: [(Double, String)] = [
        (0.5, "0.5"), (1.0, "1.0"), (-0.0, "-0.0"), (0.0, "0.0"), (1e-05, "1e-05"), (0.0001, "0.0001"),
        (1e16, "1e+16"), (1.2345678901234568e+17, "1.2345678901234568e+17"), (Double(bitPattern: 1), "5e-324"),
        (1.7976931348623157e+308, "1.7976931348623157e+308"), (0.11920292202211755, "0.11920292202211755"),
        (1e22, "1e+22"), (1e23, "1e+23"), (100.0, "100.0"), (123.456, "123.456"), (0.1, "0.1"),
        (1.0 / 3.0, "0.3333333333333333"), (2.2250738585072014e-308, "2.2250738585072014e-308"),
        (-1.2345678901234567, "-1.2345678901234567"), (Double(bitPattern: 2), "1e-323"),
        (Double(bitPattern: 3), "1.5e-323"),
        // Between 2^53 and 10^16 repr stays positional; Swift's own `description` switches to an exponent here.
        (9_007_199_254_740_992, "9007199254740992.0"), (9_007_199_254_740_994, "9007199254740994.0"),
        (9_399_501_123_094_980, "9399501123094980.0"), (-9.4e15, "-9400000000000000.0"),
        (1_234_567_890_123_456, "1234567890123456.0"), (9_999_999_999_999_998, "9999999999999998.0"),
    ]

    @Test(arguments: reprCases)
    func spellsDoublesAsPythonRepr(_ value: Double, _ expected: String) throws {
        #expect(try text(value) == expected)
        #expect(try text([value, value]) == "[\(expected),\(expected)]")  // the array fast path
        #expect(try text([[value]]) == "[[\(expected)]]")
    }

    /// Away from [2^53, 10^16) the stdlib's shortest round-trip `description` spells exactly as repr does, so
    /// it is an independent reference for random bit patterns and for every power of two with its neighbours.
    @Test func agreesWithTheStandardLibraryOnRandomValues() throws {
        var generator = SplitMix64(seed: 7)
        var values: [Double] = []
        for exponent in -1074...1023 {
            let power = Double(sign: .plus, exponent: exponent, significand: 1)
            values += [power, power.nextUp, power.nextDown]
        }
        while values.count < 200_000 {
            let value = Double(bitPattern: generator.next())
            if value.isFinite { values.append(value) }
        }
        values = values.filter { !(abs($0) >= 0x1p53 && abs($0) < 1e16) }
        let expected = "[" + values.map(\.description).joined(separator: ",") + "]"
        #expect(try text(values) == expected)
    }

    /// Random bit patterns seldom land in [1e-5, 10), where the service's logits and probabilities live and
    /// where `format` stores 15–17 digits at an offset (`d.ddd`, `0.000ddd`, `d.ddde-XX`): values spread
    /// evenly over the decimal exponents -9...1, in full precision and rounded to 1...17 significant digits
    /// (so every digit count meets every layout), against `description`, alone and in arrays.
    @Test func agreesWithTheStandardLibraryWhereLogitsAndProbabilitiesLive() throws {
        var generator = SplitMix64(seed: 0x1061_7500)
        var values: [Double] = []
        while values.count < 200_000 {
            let unit = Double(generator.next() >> 11) / 0x1p53
            let exponent = Int(generator.next() % 11) - 9
            var value = (1 + 9 * unit) * Double("1e\(exponent)")!
            let digits = Int(generator.next() % 18)
            if digits > 0 {
                // Rounded to about `digits` significant digits (the division may add a last-place error,
                // which only makes another spelling to check).
                let scale = Double("1e\(digits - 1 - exponent)")!
                value = (value * scale).rounded() / scale
            }
            if generator.next() % 2 == 0 { value = -value }
            values.append(value)
        }
        let expected = "[" + values.map(\.description).joined(separator: ",") + "]"
        #expect(try text(values) == expected)
        #expect(try text([values, values]) == "[\(expected),\(expected)]")
        for value in values.prefix(5_000) { #expect(try text(value) == value.description) }
    }

    @Test func writesCompactObjectsInEncodingOrderAndOmitsNil() throws {
        struct Response: Encodable {
            var probabilities: [Double]
            var logProbabilities: [Double]?
            var label: String?
            var top: [Int]
            enum CodingKeys: String, CodingKey {
                case probabilities, label, top
                case logProbabilities = "log_probabilities"
            }
        }
        let value = Response(probabilities: [0.25, 0.75], logProbabilities: nil, label: "dog", top: [1, 0])
        #expect(try text(value) == #"{"probabilities":[0.25,0.75],"label":"dog","top":[1,0]}"#)
    }

    @Test func escapesStringsPerRFC8259() throws {
        let input = "q\"b\\s/\u{8}\u{C}\n\r\t\u{1}\u{1F}é🎉"
        #expect(try text(input) == #""q\"b\\s/\b\f\n\r\t\u0001\u001fé🎉""#)
        #expect(try decodeJSON(String.self, from: try encodeJSON(input)) == input)
    }

    @Test func writesEveryIntegerWidth() throws {
        #expect(try text([Int64.min, Int64.max, 0, -1]) == "[-9223372036854775808,9223372036854775807,0,-1]")
        #expect(try text(UInt64.max) == "18446744073709551615")
        #expect(try text([Int8.min]) == "[-128]")
        #expect(try text(UInt16(65535)) == "65535")
        #expect(try text(Float(0.1)) == "0.1")
        #expect(try text([true, false]) == "[true,false]")
        #expect(try text([String?.none, "x"]) == #"[null,"x"]"#)
    }

    @Test func refusesNonFiniteNumbersWithTheirPath() {
        struct Body: Encodable {
            var rows: [[Double]]
            var scale: Double
        }
        #expect(throws: JSONEncodingError(.nonFiniteNumber("inf"), path: "rows[1][0]")) {
            try encodeJSON(Body(rows: [[1], [.infinity]], scale: 1))
        }
        #expect(throws: JSONEncodingError(.nonFiniteNumber("nan"), path: "scale")) {
            try encodeJSON(Body(rows: [[1]], scale: .nan))
        }
        #expect(throws: JSONEncodingError(.nonFiniteNumber("-inf"), path: "[2]")) {
            try encodeJSON([1, 2, -Double.infinity])
        }
        let error = JSONEncodingError(.nonFiniteNumber("nan"), path: "probabilities[3]")
        #expect(error.description == "probabilities[3]: nan cannot be written as JSON")
    }

    @Test func appendsToAnExistingBuffer() throws {
        var buffer = Array("prefix:".utf8)
        try encodeJSON(["a": 1], into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == #"prefix:{"a":1}"#)
    }
}
