internal import CZlib

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
        let mib = 1 << 20
        let block = [UInt8](repeating: 0, count: mib)
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        precondition(czlib_deflate_init2(stream, 9, gzip ? 31 : 15, 8) == Z_OK)
        defer { deflateEnd(stream) }
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
