import HTTPServer
import HTTPTypes
import Testing

@Suite struct HeadersTests {
    @Test("names compare without case, and only ASCII letters fold")
    func namesCompareWithoutCase() {
        let long = "X-A-Header-Name-Longer-Than-Fifteen-Bytes"
        let pairs: [(String, String, Bool)] = [
            ("Content-Type", "content-type", true),
            ("CONTENT-TYPE", "content-type", true),
            ("Content-Type", "Content-Typ", false),
            ("Content-Type", "Content_Type", false),
            // '@' and '`', '[' and '{' differ by 0x20 but are not letters.
            ("a@", "a`", false),
            ("x[", "x{", false),
            ("", "", true),
            (long, long.uppercased(), true),
            (long, long.lowercased() + "s", false),
            (long, String(long.dropLast()) + "T", false),
        ]
        for (a, b, expected) in pairs {
            #expect(Headers.equal(a, b) == expected, "\(a) vs \(b)")
            #expect(Headers.equal(b, a) == expected, "\(b) vs \(a)")
            // Substrings go through the generic comparison; it must agree.
            #expect(Headers.equal(a[...], b[...]) == expected, "\(a) vs \(b) as substrings")
        }
        let headers: Headers = ["Content-Type": "application/json", "X-Long-Header-Name-Here": "1"]
        #expect(headers[.contentType] == "application/json")
        #expect(headers[HTTPField.Name("x-long-header-name-here")!] == "1")
        #expect(headers[HTTPField.Name("X-LONG-HEADER-NAME-HERE")!] == "1")
        #expect(headers[HTTPField.Name("content-typ")!] == nil)
        // The standard type at the seam: the same fields, in order, names as sent.
        #expect(headers.headerFields.map(\.name.rawName) == ["Content-Type", "X-Long-Header-Name-Here"])
        #expect(headers.headerFields[.contentType] == "application/json")
    }
}
