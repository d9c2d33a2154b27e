internal import CZlib

/// zlib called directly, independent of ContentCoding, to make and read test bodies.
package enum Zlib {
    /// `content` in the zlib format (what HTTP calls deflate), as Python's `zlib.compress` makes it.
    package static func compress(_ content: [UInt8], level: Int32 = 6) -> [UInt8] {
        var size = compressBound(uLong(content.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = compress2(&out, &size, content, uLong(content.count), level)
        precondition(status == Z_OK)
        return Array(out[..<Int(size)])
    }

    /// `content` as one gzip member.
    package static func gzip(_ content: [UInt8], level: Int32 = 6) -> [UInt8] {
        var out: [UInt8] = []
        withStream(windowBits: 31, level: level) { stream in
            var chunk = [UInt8](repeating: 0, count: 65536)
            content.withUnsafeBufferPointer { input in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.pointee.avail_in = UInt32(input.count)
                var status: Int32
                repeat {
                    status = chunk.withUnsafeMutableBufferPointer { chunk in
                        stream.pointee.next_out = chunk.baseAddress
                        stream.pointee.avail_out = UInt32(chunk.count)
                        return deflate(stream, Z_FINISH)
                    }
                    out += chunk[..<(chunk.count - Int(stream.pointee.avail_out))]
                } while status == Z_OK
                precondition(status == Z_STREAM_END)
            }
        }
        return out
    }

    /// The content of a gzip body (one member) if zlib reads all of it, else nil.
    package static func gunzip(_ body: [UInt8], size: Int) -> [UInt8]? {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        guard inflateInit2_(stream, 31, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(stream) }
        var out = [UInt8](repeating: 0, count: size + 1)
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

    /// A deflate stream with `windowBits` (31: gzip, 15: zlib) at a fixed address for `body`.
    static func withStream(windowBits: Int32, level: Int32, _ body: (UnsafeMutablePointer<z_stream>) -> Void) {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        precondition(czlib_deflate_init2(stream, level, windowBits, 8) == Z_OK)
        defer { deflateEnd(stream) }
        body(stream)
    }
}

/// Decompression bombs: valid gzip or zlib data for `mebibytes` MiB of zeros, built in time and
/// memory proportional to the compressed size (about 1 KiB per MiB), not to the content.
///
/// How: after `Z_FULL_FLUSH` deflate's output is byte-aligned and its state reset, so each further
/// MiB of zeros compresses to the same bytes; that unit is repeated, then the final block follows
/// with a trailer whose check value (CRC-32 or Adler-32) is combined arithmetically
/// (`crc32_combine`, `adler32_combine`) instead of computed over the zeros.
package enum Bomb {
    package static func gzipZeros(mebibytes: Int) -> [UInt8] { zeros(mebibytes: mebibytes, gzip: true) }

    /// The zlib format, which HTTP calls deflate.
    package static func deflateZeros(mebibytes: Int) -> [UInt8] { zeros(mebibytes: mebibytes, gzip: false) }

    private static func zeros(mebibytes n: Int, gzip: Bool) -> [UInt8] {
        precondition(n >= 3)
        var out: [UInt8] = []
        Zlib.withStream(windowBits: gzip ? 31 : 15, level: 9) { stream in
            out = zeros(mebibytes: n, gzip: gzip, stream: stream)
        }
        return out
    }

    private static func zeros(mebibytes n: Int, gzip: Bool, stream: UnsafeMutablePointer<z_stream>) -> [UInt8] {
        let mib = 1 << 20
        let block = [UInt8](repeating: 0, count: mib)
        func run(_ input: [UInt8], _ flush: Int32) -> [UInt8] {
            var output: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            input.withUnsafeBufferPointer { input in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.pointee.avail_in = UInt32(input.count)
                repeat {
                    chunk.withUnsafeMutableBufferPointer { chunk in
                        stream.pointee.next_out = chunk.baseAddress
                        stream.pointee.avail_out = UInt32(chunk.count)
                        _ = deflate(stream, flush)
                        output += chunk[..<(chunk.count - Int(stream.pointee.avail_out))]
                    }
                } while stream.pointee.avail_out == 0
            }
            return output
        }
        let first = run(block, Z_FULL_FLUSH)
        let unit = run(block, Z_FULL_FLUSH)
        precondition(run(block, Z_FULL_FLUSH) == unit, "deflate's output after a full flush repeats")
        let end = run([], Z_FINISH)
        var out = first
        out.reserveCapacity(first.count + (n - 1) * unit.count + end.count)
        for _ in 1..<n { out += unit }
        let unitCheck = block.withUnsafeBufferPointer { b in
            gzip ? crc32(0, b.baseAddress, UInt32(mib)) : adler32(1, b.baseAddress, UInt32(mib))
        }
        var check = unitCheck
        for _ in 1..<n {
            check =
                gzip
                ? crc32_combine(check, unitCheck, off_t(mib)) : adler32_combine(check, unitCheck, off_t(mib))
        }
        if gzip {
            out += end.dropLast(8)
            let size = UInt32(truncatingIfNeeded: n * mib)
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: check >> shift)) }
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: size >> shift)) }
        } else {
            out += end.dropLast(4)
            for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: check >> shift)) }
        }
        return out
    }
}
