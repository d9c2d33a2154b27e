import JSONCodec
import TestSupport
import Testing

private struct Body: Decodable {
    var logits: [[Double]]
}

private func decodeError<T: Decodable>(_ type: T.Type, _ json: String, maxDepth: Int = 64) -> JSONDecodingError? {
    #expect(throws: JSONDecodingError.self) { try decodeJSON(type, from: Array(json.utf8), maxDepth: maxDepth) }
}

@Suite struct JSONDecodingErrorTests {
    @Test func typeMismatchNamesTheElement() {
        let error = decodeError(Body.self, #"{"logits": [[1, 2, 3], [4, 5, "6"]]}"#)
        #expect(error == JSONDecodingError(.typeMismatch(expected: .number, found: .string), path: "logits[1][2]"))
        #expect(error?.description == "logits[1][2]: expected a number, found a string")
        #expect(error?.isSyntaxError == false)
    }

    @Test func typeMismatchAtTheRootHasNoPath() {
        let error = JSONDecodingError(.typeMismatch(expected: .objectOrArray, found: .string), path: "")
        #expect(error.description == "expected an object or an array, found a string")
        #expect(decodeError(Body.self, #""text""#)?.description == "expected an object, found a string")
        #expect(decodeError([Double].self, "null")?.description == "expected an array, found null")
        #expect(
            decodeError(Body.self, #"{"logits": [[1], true]}"#)?.description
                == "logits[1]: expected an array, found a boolean")
        #expect(
            decodeError([String: Int].self, #"{"a": {}}"#)?.description == "a: expected an integer, found an object")
    }

    /// The number-array fast paths build an element's coding path only when it fails: the path must still
    /// name the element, for each of them.
    @Test func numberArrayFastPathsNameTheFailingElement() {
        struct Numbers: Decodable {
            var counts: [Int]
            var scales: [Float]
            var rows: [[Double]]
        }
        #expect(
            decodeError(Numbers.self, #"{"counts": [1, 2.5], "scales": [], "rows": []}"#)?.description
                == "counts[1]: expected an integer, found 2.5")
        #expect(
            decodeError(Numbers.self, #"{"counts": [], "scales": [1, 2, 1e39], "rows": []}"#)?.description
                == "scales[2]: number 1e39 is out of range")
        #expect(
            decodeError(Numbers.self, #"{"counts": [], "scales": [], "rows": [[1], [2, null]]}"#)?.description
                == "rows[1][1]: expected a number, found null")
        #expect(
            decodeError(Numbers.self, #"{"counts": [], "scales": [], "rows": [[1], {}]}"#)?.description
                == "rows[1]: expected an array, found an object")
    }

    @Test func missingField() {
        let error = decodeError(Body.self, #"{"logit": [[1]]}"#)
        #expect(error == JSONDecodingError(.missingField("logits"), path: ""))
        #expect(error?.description == #"missing field "logits""#)
        struct Outer: Decodable { var inner: Inner }
        struct Inner: Decodable { var value: Int }
        #expect(decodeError(Outer.self, #"{"inner": {}}"#)?.description == #"inner: missing field "value""#)
    }

    @Test func numbersThatDoNotFit() {
        #expect(decodeError([Int8].self, "[1, 128]")?.description == "[1]: number 128 is out of range")
        #expect(decodeError(UInt.self, "-1") == JSONDecodingError(.numberOutOfRange(literal: "-1"), path: ""))
        #expect(decodeError(Int.self, "9223372036854775808")?.kind == .numberOutOfRange(literal: "9223372036854775808"))
        #expect(decodeError(Int.self, "1e19")?.kind == .numberOutOfRange(literal: "1e19"))
        let error = decodeError([String: Int].self, #"{"top_k": 2.5}"#)
        #expect(error == JSONDecodingError(.notAnInteger(literal: "2.5"), path: "top_k"))
        #expect(error?.description == "top_k: expected an integer, found 2.5")
        #expect(decodeError(Int.self, "1e-400")?.kind == .notAnInteger(literal: "1e-400"))
    }

    @Test func duplicateFields() {
        let error = decodeError([String: Int].self, #"{"a": 1, "b": 2, "a": 3}"#)
        #expect(error == JSONDecodingError(.duplicateField("a"), path: ""))
        #expect(error?.description == #"duplicate field "a""#)
        // An escaped spelling of the same key is the same key; and a big object takes the hashed path.
        #expect(decodeError([String: Int].self, #"{"a": 1, "\u0061": 2}"#)?.kind == .duplicateField("a"))
        let many = (0..<40).map { "\"k\($0)\": \($0)" }.joined(separator: ",")
        #expect(decodeError([String: Int].self, "{\(many), \"k7\": 0}")?.kind == .duplicateField("k7"))
    }

    @Test func decodingErrorsFromUserTypesAreTranslatedWithTheirPath() {
        struct Activation: Decodable {
            var activation: Kind
            enum Kind: String, Decodable { case none, sigmoid, softmax }
        }
        let error = decodeError(Activation.self, #"{"activation": "relu"}"#)
        guard case .invalidValue(let message)? = error?.kind else {
            Issue.record("expected invalidValue, got \(String(describing: error))")
            return
        }
        #expect(error?.path == "activation")
        #expect(message.contains("relu"))

        struct Custom: Decodable {
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: AnyKey.self)
                throw DecodingError.keyNotFound(
                    AnyKey(stringValue: "input")!, .init(codingPath: container.codingPath, debugDescription: ""))
            }
        }
        #expect(decodeError([Custom].self, "[{}]") == JSONDecodingError(.missingField("input"), path: "[0]"))

        struct Mismatch: Decodable {
            init(from decoder: any Decoder) throws {
                throw DecodingError.typeMismatch(
                    Double.self, .init(codingPath: decoder.codingPath, debugDescription: ""))
            }
        }
        #expect(
            decodeError([String: Mismatch].self, #"{"x": "y"}"#)
                == JSONDecodingError(.typeMismatch(expected: .number, found: .string), path: "x"))

        struct NotFound: Decodable {
            init(from decoder: any Decoder) throws {
                throw DecodingError.valueNotFound(
                    String.self, .init(codingPath: decoder.codingPath, debugDescription: ""))
            }
        }
        #expect(
            decodeError([NotFound].self, "[null]")
                == JSONDecodingError(.typeMismatch(expected: .string, found: .null), path: "[0]"))
    }

    @Test func otherErrorsFromUserTypesPropagateUnchanged() {
        struct Problem: Error, Equatable { var detail: String }
        struct Strict: Decodable {
            init(from decoder: any Decoder) throws {
                let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
                throw Problem(detail: "unknown fields: \(keys.joined(separator: ", "))")
            }
        }
        #expect(throws: Problem(detail: "unknown fields: zeta, alpha")) {
            try decodeJSON(Strict.self, from: Array(#"{"zeta": 1, "alpha": 2}"#.utf8))
        }
    }

    /// (text, byte offset, message): each a minimal way of not being JSON.
    static let syntaxCases: [(String, Int, String)] = [
        ("", 0, "unexpected end of input"),
        ("   ", 3, "unexpected end of input"),
        ("[1, 2", 5, "expected ',' or ']'"),
        (#"{"logits": [0.5, -0.1] x"#, 23, "expected ',' or '}'"),
        ("[1,]", 3, "expected a value"),
        ("[1] [2]", 4, "unexpected data after the value"),
        ("01", 0, "leading zero in number"),
        ("+1", 0, "expected a value"),
        (".5", 0, "expected a value"),
        ("1.", 2, "unexpected end of input"),
        ("1.e5", 2, "invalid number"),
        ("1e", 2, "unexpected end of input"),
        ("-", 1, "unexpected end of input"),
        ("NaN", 0, "expected a value"),
        ("Infinity", 0, "expected a value"),
        ("tru", 3, "unexpected end of input"),
        ("nul1", 0, "invalid literal"),
        (#"{"a" 1}"#, 5, "expected ':'"),
        ("{1: 2}", 1, "expected a string key"),
        ("\"a\u{1}b\"", 2, "control character in string"),
        (#""\x""#, 1, "invalid escape"),
        (#""\u12G4""#, 5, #"invalid \u escape"#),
        (#""\ud800""#, 1, "unpaired surrogate"),
        (#""\ud800\u0041""#, 1, "unpaired surrogate"),
        (#""\udc00""#, 1, "unpaired surrogate"),
        (#""abc"#, 4, "unterminated string"),
    ]

    @Test(arguments: syntaxCases)
    func syntaxErrorsCarryTheirOffset(_ json: String, _ offset: Int, _ message: String) {
        let error = decodeError([String: [Double]].self, json)
        #expect(error == JSONDecodingError(.syntax(offset: offset, message: message), path: ""))
        #expect(error?.isSyntaxError == true)
        #expect(error?.description == "invalid JSON at byte \(offset): \(message)")
    }

    @Test func invalidUTF8IsASyntaxError() throws {
        let sequences: [[UInt8]] = [
            [0x80], [0xC0, 0xAF], [0xC3], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFF], [0xE2, 0x82],
        ]
        for bytes in sequences {
            let json: [UInt8] = [UInt8(ascii: "\"")] + bytes + [UInt8(ascii: "\"")]
            #expect(throws: JSONDecodingError(.syntax(offset: 1, message: "invalid UTF-8"), path: "")) {
                try decodeJSON(String.self, from: json)
            }
        }
        // Valid multi-byte sequences and a surrogate pair escape decode to the same text.
        let valid = Array(#""é€🎉 \u00e9\u20ac\ud83c\udf89""#.utf8)
        #expect(try decodeJSON(String.self, from: valid) == "é€🎉 é€🎉")
    }

    /// Every proper prefix of a valid document is refused as a syntax error (and never crashes).
    @Test func everyTruncationIsASyntaxError() throws {
        let json = Array(
            #" {"logits": [[1.5e3, -0.25, 0], [2, 3, 4]], "name": "a\"b\u00e9\ud83c\udf89", "ok": [true, false, null], "n": {}} "#
                .utf8)
        _ = try decodeJSON(AnyJSON.self, from: json)
        for length in 0..<json.count - 1 {
            let error = decodeError(AnyJSON.self, String(decoding: json[0..<length], as: UTF8.self))
            #expect(error?.isSyntaxError == true, "prefix of length \(length)")
        }
    }

    @Test func nestingBeyondTheLimitIsRefused() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try decodeJSON(AnyJSON.self, from: Array(ok.utf8))
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let error = decodeError(AnyJSON.self, deep)
        #expect(error == JSONDecodingError(.tooDeep(limit: 64), path: ""))
        #expect(error?.isSyntaxError == true)
        #expect(error?.description == "invalid JSON: nested deeper than 64 levels")
        #expect(decodeError(AnyJSON.self, #"{"a": [{"b": 1}]}"#, maxDepth: 2)?.kind == .tooDeep(limit: 2))
        // A hundred thousand open brackets: refused at the limit, without deep recursion.
        #expect(decodeError(AnyJSON.self, String(repeating: "[", count: 100_000))?.kind == .tooDeep(limit: 64))
    }
}

/// Any JSON value, decoded through the generic containers (no fast paths).
enum AnyJSON: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([AnyJSON]), object([String: AnyJSON])

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [String: AnyJSON] = [:]
            for key in container.allKeys { members[key.stringValue] = try container.decode(AnyJSON.self, forKey: key) }
            self = .object(members)
        } else if var container = try? decoder.unkeyedContainer() {
            var elements: [AnyJSON] = []
            while !container.isAtEnd { elements.append(try container.decode(AnyJSON.self)) }
            self = .array(elements)
        } else {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let flag = try? container.decode(Bool.self) {
                self = .bool(flag)
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else {
                self = .string(try container.decode(String.self))
            }
        }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}
