import JSONCodec
import Testing

/// `memberNames(of:)`, which the service uses to refuse unknown fields without `allKeys`.
struct MemberNamesTests {
    /// Records what `memberNames(of:)` saw for the value it is decoded from.
    private struct Names: Decodable {
        var names: [String]?
        init(from decoder: any Decoder) throws { names = memberNames(of: decoder) }
    }

    private struct Nested: Decodable {
        var inner: Names
    }

    @Test func namesInDocumentOrderEscapesDecoded() throws {
        let bytes = Array(#"{"b": 1, "a": [1, {"x": 2}], "\u0063": null, "": true}"#.utf8)
        #expect(try decodeJSON(Names.self, from: bytes).names == ["b", "a", "c", ""])
    }

    @Test func nestedObjectsGiveTheirOwnNames() throws {
        let bytes = Array(#"{"inner": {"z": 0, "y": {"w": 1}}}"#.utf8)
        #expect(try decodeJSON(Nested.self, from: bytes).inner.names == ["z", "y"])
    }

    @Test(arguments: ["{}", "[]", "[1, 2]", "1.5", #""text""#, "null"])
    func anythingButANonEmptyObject(_ json: String) throws {
        let names = try decodeJSON(Names.self, from: Array(json.utf8)).names
        #expect(names == (json == "{}" ? [] : nil))
    }
}
