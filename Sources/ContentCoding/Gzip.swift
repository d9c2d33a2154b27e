internal import CZlib

/// gzip compression (RFC 1952) of response bodies.
package enum Gzip {
    /// `input` as one gzip member, or nil when zlib cannot start (out of memory): the caller then
    /// sends the body as it is, which is always allowed.
    ///
    /// The output buffer is sized by `deflateBound`, so one `deflate(Z_FINISH)` call always
    /// finishes. The window is the smallest power of two that holds the input (from 2⁹ to 2¹⁵):
    /// a larger one finds no longer matches, while zlib allocates and clears state in proportion
    /// to it, which a 1 KiB body would otherwise pay for 256 KiB of.
    package static func compress(_ input: UnsafeRawBufferPointer, level: Int32) -> [UInt8]? {
        guard input.count <= Int(UInt32.max) / 2 else { return nil }  // avail_in and deflateBound are 32-bit
        var stream = z_stream()
        return withUnsafeMutablePointer(to: &stream) { stream in
            var windowBits: Int32 = 9
            while windowBits < 15, 1 << windowBits < input.count { windowBits += 1 }
            let memLevel = min(8, windowBits - 6)
            guard czlib_deflate_init2(stream, level, 16 + windowBits, memLevel) == Z_OK else { return nil }
            defer { deflateEnd(stream) }
            let bound = Int(deflateBound(stream, uLong(input.count)))
            var ok = false
            let output = [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
                stream.pointee.next_in = UnsafeMutablePointer(
                    mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
                stream.pointee.avail_in = UInt32(input.count)
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = UInt32(bound)
                ok = deflate(stream, Z_FINISH) == Z_STREAM_END
                count = ok ? bound - Int(stream.pointee.avail_out) : 0
            }
            return ok ? output : nil
        }
    }

    /// `input` as one gzip member (see the raw-buffer form).
    package static func compress(_ input: [UInt8], level: Int32) -> [UInt8]? {
        input.withUnsafeBytes { compress($0, level: level) }
    }
}
