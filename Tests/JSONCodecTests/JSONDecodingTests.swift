import JSONCodec
import TestSupport
import Testing

private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
    try decodeJSON(type, from: Array(json.utf8))
}

private struct Widths: Codable, Equatable {
    var i: Int, i8: Int8, i16: Int16, i32: Int32, i64: Int64
    var u: UInt, u8: UInt8, u16: UInt16, u32: UInt32, u64: UInt64
    var f: Float, d: Double, b: Bool, s: String
}

private struct Layer: Codable, Equatable {
    enum Activation: String, Codable { case none, sigmoid, softmax }
    enum Shape: Codable, Equatable {
        case vector([Double])
        case batch([[Double]])
    }
    var weights: [[Double]]
    var bias: [Double]?
    var activation: Activation
    var shape: Shape
    var labels: [String]?
    var children: [Layer]
    var counts: [Int]
    var scales: [Float]
    var note: String?
}

@Suite struct JSONDecodingTests {
    @Test func roundTripsNestedCodableTypes() throws {
        let leaf = Layer(
            weights: [[1, -2.5], [3e-300, 0.1]], bias: nil, activation: .softmax, shape: .vector([0.5]),
            labels: ["cat", "🐱"],
            children: [], counts: [-3, 0, 7], scales: [0.1, 2], note: "a\nb")
        let root = Layer(
            weights: [], bias: [1, 2], activation: .none, shape: .batch([[1], [2]]), labels: nil,
            children: [leaf, leaf],
            counts: [], scales: [], note: nil)
        let bytes = try encodeJSON(root)
        #expect(try decodeJSON(Layer.self, from: bytes) == root)
        #expect(try encodeJSON(try decodeJSON(Layer.self, from: bytes)) == bytes)
    }

    @Test func roundTripsEveryIntegerWidthAtItsLimits() throws {
        let low = Widths(
            i: .min, i8: .min, i16: .min, i32: .min, i64: .min, u: 0, u8: 0, u16: 0, u32: 0, u64: 0,
            f: -.greatestFiniteMagnitude, d: -.greatestFiniteMagnitude, b: false, s: "")
        let high = Widths(
            i: .max, i8: .max, i16: .max, i32: .max, i64: .max, u: .max, u8: .max, u16: .max, u32: .max, u64: .max,
            f: .leastNonzeroMagnitude, d: .leastNonzeroMagnitude, b: true, s: "\u{0}")
        for value in [low, high] {
            #expect(try decodeJSON(Widths.self, from: try encodeJSON(value)) == value)
        }
    }

    @Test func integersMayBeWrittenWithAFractionOrExponent() throws {
        #expect(try decode([Int].self, "[3, 3.0, 3e0, 30e-1, 0.3e1, -0, -0.0, 1E2]") == [3, 3, 3, 3, 3, 0, 0, 100])
        #expect(try decode(Int64.self, "-9223372036854775808") == .min)
        #expect(try decode(Int64.self, "-9.223372036854775808e18") == .min)
        #expect(try decode(UInt64.self, "18446744073709551615") == .max)
        #expect(try decode(Int.self, "9007199254740993") == 9_007_199_254_740_993)  // not via Double
        #expect(try decode(Int8.self, "-128") == -128)
        #expect(try decode(Int.self, "0e999999") == 0)
    }

    @Test func decodesNumbersAsDoublesIncludingIntegers() throws {
        #expect(try decode([Double].self, " [1, 2, 3] ") == [1, 2, 3])
        #expect(try decode([[Double]].self, "[[0.5, -0.1], []]") == [[0.5, -0.1], []])
        #expect(try decode([Double].self, "[]") == [])
    }

    /// The service's probe for vector versus batch, through the generic containers.
    @Test func probesVectorVersusBatch() throws {
        enum Logits: Decodable, Equatable {
            case vector([Double]), batch([[Double]])
            init(from decoder: any Decoder) throws {
                var probe = try decoder.unkeyedContainer()
                if !probe.isAtEnd, (try? probe.nestedUnkeyedContainer()) != nil {
                    self = .batch(try decoder.singleValueContainer().decode([[Double]].self))
                } else {
                    self = .vector(try decoder.singleValueContainer().decode([Double].self))
                }
            }
        }
        #expect(try decode(Logits.self, "[0.5, -0.1]") == .vector([0.5, -0.1]))
        #expect(try decode(Logits.self, "[[0.5], [-0.1]]") == .batch([[0.5], [-0.1]]))
        #expect(try decode(Logits.self, "[]") == .vector([]))
        #expect(throws: JSONDecodingError(.typeMismatch(expected: .number, found: .string), path: "[1]")) {
            try decode(Logits.self, #"[1, "2"]"#)
        }
        #expect(throws: JSONDecodingError(.typeMismatch(expected: .number, found: .array), path: "[1][0]")) {
            try decode(Logits.self, "[[1], [[2]]]")
        }
    }

    @Test func keyedContainersReportKeysInDocumentOrder() throws {
        struct Keys: Decodable {
            var keys: [String]
            var path: String
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: AnyKey.self)
                keys = container.allKeys.map(\.stringValue)
                #expect(container.contains(AnyKey(stringValue: "b")!))
                #expect(!container.contains(AnyKey(stringValue: "zz")!))
                #expect(try container.decodeNil(forKey: AnyKey(stringValue: "n")!))
                #expect(try container.decodeIfPresent(Double.self, forKey: AnyKey(stringValue: "n")!) == nil)
                #expect(try container.decodeIfPresent(Double.self, forKey: AnyKey(stringValue: "zz")!) == nil)
                let nested = try container.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey(stringValue: "o")!)
                var array = try nested.nestedUnkeyedContainer(forKey: AnyKey(stringValue: "list")!)
                #expect(array.count == 2)
                #expect(try array.decodeNil() == false)
                _ = try array.decode(Int.self)
                #expect(array.currentIndex == 1)
                #expect(try array.decodeNil())
                #expect(array.isAtEnd)
                path = array.codingPath.map(\.stringValue).joined(separator: "/")
                let superDecoder = try container.superDecoder(forKey: AnyKey(stringValue: "b")!)
                #expect(try superDecoder.singleValueContainer().decode(Bool.self) == true)
                #expect(superDecoder.codingPath.map(\.stringValue) == ["b"])
            }
        }
        let keys = try decode(Keys.self, #"{"z": 1, "b": true, "a\u00e9": "x", "n": null, "o": {"list": [1, null]}}"#)
        #expect(keys.keys == ["z", "b", "aé", "n", "o"])
        #expect(keys.path == "o/list")
    }

    @Test func optionalsDecodeFromNullOrAbsence() throws {
        struct Options: Decodable, Equatable {
            var temperature: Double?
            var log: Bool?
            var labels: [String]?
        }
        #expect(try decode(Options.self, #"{"temperature": null, "labels": ["a"]}"#) == Options(labels: ["a"]))
        #expect(try decode([Double?].self, "[1, null]") == [1, nil])
    }

    @Test func errorsInsideNestedContainersCarryTheFullPath() {
        struct Outer: Decodable {
            var items: [Item]
        }
        struct Item: Decodable {
            var values: [String: Int]
        }
        #expect(
            throws: JSONDecodingError(.typeMismatch(expected: .integer, found: .boolean), path: "items[1].values.k")
        ) {
            try decode(Outer.self, #"{"items": [{"values": {}}, {"values": {"k": true}}]}"#)
        }
    }

    /// Runs of numbers are parsed by a tighter loop; it must hand back cleanly at anything else.
    @Test func mixedArraysLeaveTheNumberRunCorrectly() throws {
        let json = #"[1, -2.5 ,3e2,"a", 4, [5, 6], 7 , {"k": [8]}, -0, null, 9]"#
        let expected: AnyJSON = .array([
            .number(1), .number(-2.5), .number(300), .string("a"), .number(4), .array([.number(5), .number(6)]),
            .number(7), .object(["k": .array([.number(8)])]), .number(-0.0), .null, .number(9),
        ])
        #expect(try decode(AnyJSON.self, json) == expected)
        #expect(try decode([Double].self, "[ 1 , 2 ,\n3\t]") == [1, 2, 3])
    }

    /// The fast reader takes a number's sign from a word load when eight bytes remain and from a byte
    /// otherwise: both must give every sign, negative zero included, wherever the number ends.
    @Test func signsReadAlikeAtAnyDistanceFromTheEnd() throws {
        let literals = ["-2.25", "3.5", "-0.0", "0", "-0", "-7", "12.125", "-1.0000000000000002"]
        for count in 1...literals.count {
            for rotation in 0..<literals.count {
                let row = (0..<count).map { literals[($0 + rotation) % literals.count] }
                let decoded = try decode([Double].self, "[" + row.joined(separator: ",") + "]")
                #expect(decoded.map(\.bitPattern) == row.map { Double($0)!.bitPattern }, "\(row)")
            }
        }
    }

    /// An array of numbers only is stored packed (values and literal offsets, no node per element); every
    /// way of reading it must see the same elements as an array of nodes would give.
    @Test func numberOnlyArraysReadAlikeEveryWay() throws {
        // 100 elements (several staging chunks), with literals only the slow path reads among them.
        var literals = (0..<100).map { "\(Double($0) * 1.25 - 40)" }
        literals[7] = "1e-5"
        literals[40] = "2E+3"
        literals[63] = "1.2345678901234567890123"
        literals[90] = "-0"
        let values = literals.map { Double($0)! }
        let json = "[" + literals.joined(separator: ", ") + "]"
        #expect(try decode([Double].self, json) == values)
        #expect(try decode(AnyJSON.self, json) == .array(values.map { .number($0) }))
        #expect(try decode([Float].self, json) == values.map { Float($0) })
        // The integer reading sees each literal as written: "-40.0" is an integer, "-38.75" is not.
        #expect(throws: JSONDecodingError(.notAnInteger(literal: "-38.75"), path: "[1]")) {
            try decode([Int].self, json)
        }
        #expect(try decode([Int].self, "[3, -7, 30e-1, 12]") == [3, -7, 3, 12])
        // Packed arrays beside and inside other values: what follows each one is found again.
        struct Doc: Decodable, Equatable {
            var a: [Double]
            var rows: [[Double]]
            var b: [Int]
            var tail: String
        }
        let doc = #"{"a": [1, 2.5], "rows": [[1], [2, 3], []], "b": [4, 5], "tail": "end"}"#
        #expect(try decode(Doc.self, doc) == Doc(a: [1, 2.5], rows: [[1], [2, 3], []], b: [4, 5], tail: "end"))
        #expect(throws: JSONDecodingError(.numberOutOfRange(literal: "1e400"), path: "rows[1][1]")) {
            try decode(Doc.self, #"{"a": [], "rows": [[1], [2, 1e400]], "b": [], "tail": ""}"#)
        }
    }

    @Test func stringsDecodeEveryEscape() throws {
        let json = #""\" \\ \/ \b \f \n \r \t \u0000 \u00e9 \u20AC \uD834\uDD1E""#
        #expect(try decode(String.self, json) == "\" \\ / \u{8} \u{C} \n \r \t \u{0} é € 𝄞")
    }
}

/// Empty number arrays decoded and written on many threads at once. `Array(unsafeUninitializedCapacity: 0)`
/// writes the count of the runtime's one shared empty array, which ThreadSanitizer reports as a data race
/// with every thread reading an empty array (found when request and answer tests ran side by side); the
/// decoders return `[]` instead. Meaningful under `scripts/sanitizers.sh thread`; elsewhere it checks
/// the values.
struct EmptyArraysAcrossThreadsTests {
    @Test func emptyArraysDecodeAndEncodeOnManyThreads() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask { () async throws in
                    for _ in 0..<500 {
                        if task % 2 == 0 {
                            #expect(try decode([Double].self, "[]").isEmpty)
                            #expect(try decode([[Double]].self, "[[]]") == [[]])
                        } else {
                            #expect(try encodeJSON([Double]()) == Array("[]".utf8))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
