import JSONCodec
import Testing

/// `{"data": ...}`, read by `flattenedNumbers(of:as:)` with the leaf type of the key `leaf`, which is one of
/// `NumberLeaf`'s cases by name (`int8` and `uint8` stand for the integer ranges).
private struct Tensor: Decodable {
    var data: [Double]

    enum CodingKeys: String, CodingKey { case leaf, data }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let leaf: NumberLeaf =
            switch try c.decode(String.self, forKey: .leaf) {
            case "float": .float
            case "int8": .integer(-128...127)
            case "uint8": .unsignedInteger(max: 255)
            case "uint64": .unsignedInteger(max: .max)
            case "boolean": .boolean
            default: .double
            }
        data = try flattenedNumbers(of: try c.superDecoder(forKey: .data), as: leaf)!
    }
}

private func flatten(_ data: String, as leaf: String = "double") throws -> [Double] {
    try decodeJSON(Tensor.self, from: Array(#"{"leaf": "\#(leaf)", "data": \#(data)}"#.utf8)).data
}

private func failure(_ data: String, as leaf: String = "double") -> String? {
    do {
        _ = try flatten(data, as: leaf)
        return nil
    } catch {
        return "\(error)"
    }
}

@Suite struct NestedNumbersTests {
    @Test func flatAndNestedArraysGiveTheSameRowMajorElements() throws {
        #expect(try flatten("[1, 2, 3, 4]") == [1, 2, 3, 4])
        #expect(try flatten("[[1, 2], [3, 4]]") == [1, 2, 3, 4])
        #expect(try flatten("[[[1], [2]], [[3], [4]]]") == [1, 2, 3, 4])
        #expect(try flatten("[[], [1.5], [], []]") == [1.5])
        #expect(try flatten("[]") == [])
    }

    @Test func floatLeavesAreRoundedFromTheirLiteral() throws {
        // 0.1 as a Float widened is not the Double 0.1; 16777217 is not a Float and rounds to even.
        #expect(try flatten("[0.1, 16777217]", as: "float") == [Double(Float(0.1)), 16_777_216])
        // Finite as a Double, beyond Float's range: refused, not read as infinity.
        #expect(failure("[[1], [1e39]]", as: "float") == "data[1][0]: number 1e39 is out of range")
    }

    @Test func integerLeavesAreRangeChecked() throws {
        #expect(try flatten("[-128, 127, 3.0, 2e1]", as: "int8") == [-128, 127, 3, 20])
        // UInt64.max rounds to 2^64 as a Double, as the math would take it.
        #expect(try flatten("[18446744073709551615]", as: "uint64") == [0x1p64])
        #expect(failure("[[1], [128]]", as: "int8") == "data[1][0]: number 128 is out of range")
        #expect(failure("[-1]", as: "uint8") == "data[0]: number -1 is out of range")
        #expect(failure("[2.5]", as: "int8") == "data[0]: expected an integer, found 2.5")
    }

    @Test func booleanLeavesAreOneAndZero() throws {
        #expect(try flatten("[[true, false], [false, true]]", as: "boolean") == [1, 0, 0, 1])
        #expect(failure("[true, 1]", as: "boolean") == "data[1]: expected a boolean, found a number")
    }

    @Test func aBadLeafIsNamedByItsIndexPath() {
        #expect(failure(#"[[1, 2], [3, "4"]]"#) == "data[1][1]: expected a number, found a string")
        #expect(failure("[[1, 2], [3, {}]]") == "data[1][1]: expected a number, found an object")
        #expect(failure("[[1, 2], [[3, null]]]") == "data[1][0][1]: expected a number, found null")
        #expect(failure("[1, 1e400]") == "data[1]: number 1e400 is out of range")
        #expect(failure("7") == "data: expected an array, found a number")
    }

    @Test func shortestTextIsPythonsRepr() {
        #expect(shortestText(0.1) == "0.1")
        #expect(shortestText(1e-05) == "1e-05")
        #expect(shortestText(0.9999999999999999) == "0.9999999999999999")
        #expect(shortestText(1) == "1.0")
        #expect(shortestText(-2.5e300) == "-2.5e+300")
    }

    /// The SVG pictures print an answer's numbers with it: they must read as the JSON encoder writes them.
    @Test func shortestTextIsTheTextTheEncoderWrites() throws {
        let values = [0.6216868341094665, 4.248354255291589e-18, 1e22, -2.5e-8, 3.0, -0.0, .leastNonzeroMagnitude]
        let json = String(decoding: try encodeJSON(values), as: UTF8.self)
        #expect(json == "[" + values.map(shortestText).joined(separator: ",") + "]")
    }
}
