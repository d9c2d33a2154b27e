import ContentCoding
import TestSupport
import Testing

@Suite struct GzipTests {
    @Test(
        "compresses to one gzip member that zlib's own reader decodes", arguments: [0, 1, 511, 512, 513, 1024, 40_000])
    func zlibReadsIt(size: Int) throws {
        let content = (0..<size).map { UInt8(truncatingIfNeeded: $0 * $0 >> 3) }
        for level in Int32(1)...9 {
            let body = try #require(Gzip.compress(content, level: level))
            // ID1 ID2 CM: 1f 8b 08 (RFC 1952 §2.3.1).
            #expect(Array(body.prefix(3)) == [0x1f, 0x8b, 0x08])
            #expect(Zlib.gunzip(body, size: size) == content)
        }
    }

    @Test("JSON-like text shrinks")
    func shrinks() throws {
        let content = Array(String(repeating: #"{"probabilities":[0.2,0.3,0.5]},"#, count: 64).utf8)
        let body = try #require(Gzip.compress(content, level: 1))
        #expect(body.count * 10 < content.count)
    }
}
