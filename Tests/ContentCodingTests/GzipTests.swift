import CZlib
import ContentCoding
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
            #expect(Self.gunzip(body, size: size) == content)
        }
    }

    @Test("JSON-like text shrinks")
    func shrinks() throws {
        let content = Array(String(repeating: #"{"probabilities":[0.2,0.3,0.5]},"#, count: 64).utf8)
        let body = try #require(Gzip.compress(content, level: 1))
        #expect(body.count * 10 < content.count)
    }

    /// zlib's inflate with gzip decoding, independent of ContentCoding's Inflater.
    static func gunzip(_ body: [UInt8], size: Int) -> [UInt8]? {
        var stream = z_stream()
        var out = [UInt8](repeating: 0, count: size + 1)
        return withUnsafeMutablePointer(to: &stream) { stream -> [UInt8]? in
            guard inflateInit2_(stream, 31, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                return nil
            }
            defer { inflateEnd(stream) }
            return body.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { output in
                    stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                    stream.pointee.avail_in = UInt32(input.count)
                    stream.pointee.next_out = output.baseAddress
                    stream.pointee.avail_out = UInt32(output.count)
                    guard inflate(stream, Z_FINISH) == Z_STREAM_END, stream.pointee.avail_in == 0 else { return nil }
                    return Array(output[..<(output.count - Int(stream.pointee.avail_out))])
                }
            }
        }
    }
}
