import ContentCoding
import Testing

@Suite struct CodingTests {
    /// RFC 9110 §8.4.1: coding names are case-insensitive; §8.4.1.3: x-gzip is gzip.
    @Test(
        "Content-Encoding names one coding, case-insensitively; identity is no coding",
        arguments: [
            ([], RequestCoding.identity),
            ([""], .identity),
            (["identity"], .identity),
            (["IDENTITY, identity"], .identity),
            (["gzip"], .coded(.gzip)),
            (["GZip"], .coded(.gzip)),
            (["x-gzip"], .coded(.gzip)),
            (["X-GZIP"], .coded(.gzip)),
            (["deflate"], .coded(.deflate)),
            (["DEFLATE"], .coded(.deflate)),
            ([" \tgzip \t"], .coded(.gzip)),
            (["identity, deflate"], .coded(.deflate)),
            (["gzip", "identity"], .coded(.gzip)),
            (["br"], .unsupported("br")),
            (["zstd"], .unsupported("zstd")),
            (["compress"], .unsupported("compress")),
            (["gzipx"], .unsupported("gzipx")),
            (["gzip, gzip"], .unsupported("gzip, gzip")),
            (["gzip", "deflate"], .unsupported("gzip, deflate")),
            (["deflate, br"], .unsupported("deflate, br")),
        ] as [([String], RequestCoding)])
    func contentEncoding(values: [String], expected: RequestCoding) {
        #expect(RequestCoding(contentEncoding: values) == expected)
    }

    @Test("a 415 names both codings logitd decodes")
    func acceptedValue() {
        #expect(RequestCoding.acceptedValue == "gzip, deflate")
        for token in RequestCoding.acceptedValue.split(separator: ",") {
            #expect(Coding(token: token.drop { $0 == " " }) != nil)
        }
    }
}
