import HTTPServer
import HTTPTypes
import Testing

/// `ByteCursor` writes response heads and log lines into room bounded beforehand: every length it
/// can write must fit the bound its callers compute.
struct BytesTests {
    static func written(bound: Int, _ body: (inout ByteCursor) -> Void) -> String {
        var bytes: [UInt8] = Array("kept".utf8)
        bytes.append(bound: bound, body)
        #expect(bytes.prefix(4) == Array("kept".utf8)[...])
        return String(decoding: bytes.dropFirst(4), as: UTF8.self)
    }

    @Test(
        arguments: [
            0, 1, 9, 10, 99, 100, 999_999_999, 1_000_000_000, 9_999_999_999_999_999_999, UInt64.max,
        ] as [UInt64])
    func decimalsAreWrittenInFull(_ value: UInt64) {
        #expect(Self.written(bound: 20) { $0.writeDecimal(value) } == String(value))
    }

    @Test func stringsOfEveryKindAreCopiedWhole() {
        let texts = ["", "a", "short", String(repeating: "long ", count: 100), "é ü 中文 🙂", "tab\there"]
        let bound = texts.reduce(0) { $0 + $1.utf8.count }
        #expect(Self.written(bound: bound) { out in for text in texts { out.write(text) } } == texts.joined())
    }

    @Test func aHeadOfManyLongFieldsFitsItsBound() {
        var fields = HTTPFields()
        for i in 0..<50 {
            fields.append(HTTPField(name: HTTPField.Name("X-Field-\(i)")!, value: String(repeating: "v", count: 1000)))
        }
        let response = Response(
            status: HTTPResponse.Status(code: 299, reasonPhrase: String(repeating: "p", count: 500)), headers: fields)
        var buffer: [UInt8] = []
        ResponseEncoder.encodeHead(response, close: true, announceKeepAlive: false, date: "D", into: &buffer)
        let text = String(decoding: buffer, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 299 " + String(repeating: "p", count: 500) + "\r\nX-Field-0: v"))
        #expect(
            text.hasSuffix(
                "X-Field-49: " + String(repeating: "v", count: 1000)
                    + "\r\nContent-Length: 0\r\nDate: D\r\nConnection: close\r\n\r\n"))
    }
}
