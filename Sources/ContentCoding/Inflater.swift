internal import CZlib

/// Why a coded body could not be decoded. Each case maps to one status in the application:
/// `tooLarge` 413, `truncated`, `invalid` and `trailingData` 400, `zlibFailure` 500.
package enum DecompressionError: Error, Sendable, Equatable {
    /// The decoded content is longer than `limit` bytes; decoding stopped at the limit.
    case tooLarge(limit: Int)
    /// The data ends before its coding does (the last block, or the check value after it).
    case truncated(Coding)
    /// Not data of the coding; `reason` is zlib's (`incorrect data check`, `invalid block type`).
    case invalid(Coding, reason: String)
    /// `count` bytes follow the end of the zlib stream, or of the last gzip member, and do not
    /// begin another gzip member.
    case trailingData(Coding, count: Int)
    /// zlib itself failed (`Z_MEM_ERROR` and the like): not the client's fault.
    case zlibFailure(code: Int32)
}

/// Decodes gzip (RFC 1952) and zlib-format deflate (RFC 1950) with a bound on the output.
///
/// The hazard is the decompression bomb: deflate reaches a ratio of 1032:1, so an 8 MiB body can
/// hold 8 GiB. The output buffer therefore never grows past `limit`; once it is full and the data
/// is not finished, zlib is asked for one more byte into a scratch byte, and if it gives one the
/// answer is `tooLarge`, after at most `limit` bytes of work. Memory: the output buffer (at most
/// `limit`; while it grows the old one, at most half as big, is copied in, so the peak is 1.5 ×
/// `limit`) plus zlib's state and 32 KiB window, about 43 KiB.
///
/// gzip data may hold several members one after another; they decode to the concatenation of
/// their contents, as RFC 1952 §2.2 defines a gzip file, and as gzip(1) and Python's
/// `gzip.decompress` read it. Anything after the last member, or after a zlib stream, is an error
/// rather than ignored: such bytes are not part of the content the client meant to send.
package enum Inflater {
    /// The decoded content of `input`, at most `limit` bytes.
    package static func decompress(_ input: [UInt8], coding: Coding, limit: Int) throws(DecompressionError) -> [UInt8] {
        let result = input.withUnsafeBytes { raw in
            Result { () throws(DecompressionError) in try decompress(raw, coding: coding, limit: limit) }
        }
        return try result.get()
    }

    /// The decoded content of `input`, at most `limit` bytes.
    package static func decompress(_ input: UnsafeRawBufferPointer, coding: Coding, limit: Int)
        throws(DecompressionError) -> [UInt8]
    {
        precondition(limit >= 0, "a negative limit")
        var run = try InflateRun(input: input, coding: coding)
        defer { run.end() }
        var output: [UInt8] = []
        var capacity = initialCapacity(input, coding: coding, limit: limit)
        while true {
            if output.count == limit {
                // Full at the limit: the content is too large exactly when zlib can give one more byte,
                // even if the same call then finds the data bad (a check value after that byte).
                var probe: UInt8 = 0
                let before = run.produced
                let (written, finished): (Int, Bool)
                do {
                    (written, finished) = try withUnsafeMutableBytes(of: &probe) { (byte) throws(DecompressionError) in
                        try run.fill(byte)
                    }
                } catch {
                    if run.produced > before { throw .tooLarge(limit: limit) }
                    throw error
                }
                if written > 0 { throw .tooLarge(limit: limit) }
                precondition(finished, "zlib stopped with room left and the data unfinished")
                return output
            }
            var failure: DecompressionError?
            var finished = false
            let previous = output
            output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                count = previous.count
                previous.withUnsafeBufferPointer { old in
                    if let from = old.baseAddress { buffer.baseAddress!.initialize(from: from, count: old.count) }
                }
                do throws(DecompressionError) {
                    let room = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[count...])
                    let (written, done) = try run.fill(room)
                    count += written
                    finished = done
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            if finished { return output }
            capacity = min(limit, max(capacity * 2, 4096))
        }
    }

    /// The first buffer's size. gzip's trailer ends with the content's length modulo 2³²
    /// (ISIZE, RFC 1952 §2.3.1): right for an honest single-member body, so one allocation and no
    /// copy. It is only a hint (a client may lie, and a later member's ISIZE covers only itself),
    /// so it is capped by the limit and by deflate's largest ratio, 1032:1. zlib data has no such
    /// field: 8 × the input, typical of JSON, and grown by doubling from there.
    static func initialCapacity(_ input: UnsafeRawBufferPointer, coding: Coding, limit: Int) -> Int {
        let plausible = input.count.multipliedReportingOverflow(by: 1032)
        let ceiling = plausible.overflow ? limit : min(limit, plausible.partialValue)
        if coding == .gzip, input.count >= 18 {
            let tail = input.count - 4
            var size = 0
            for i in 0..<4 { size |= Int(input[tail + i]) << (8 * i) }
            return min(ceiling, max(size, 64))
        }
        return min(ceiling, max(input.count * 8, 4096))
    }
}

/// One zlib inflate stream over one input. The `z_stream` lives at a fixed address, since zlib
/// keeps a pointer back to it and checks it on every call.
private struct InflateRun {
    let stream: UnsafeMutablePointer<z_stream>
    let input: UnsafeRawBufferPointer
    let coding: Coding
    /// How many input bytes have been handed to zlib (some may still be in `avail_in`).
    var handed = 0
    /// How many bytes zlib has written, including those of a call that then failed.
    private(set) var produced = 0

    init(input: UnsafeRawBufferPointer, coding: Coding) throws(DecompressionError) {
        self.input = input
        self.coding = coding
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = czlib_inflate_init2(stream, coding.windowBits)
        guard status == Z_OK else {
            stream.deallocate()
            throw .zlibFailure(code: status)
        }
    }

    func end() {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Decodes into `space` until it is full or the data ends: how many bytes were written, and
    /// whether the data ended (after its last check value).
    mutating func fill(_ space: UnsafeMutableRawBufferPointer) throws(DecompressionError) -> (Int, Bool) {
        var written = 0
        while written < space.count {
            if stream.pointee.avail_in == 0, handed < input.count {
                // avail_in is 32 bits wide: a body over 4 GiB is handed over in parts.
                let part = min(input.count - handed, Int(UInt32.max))
                stream.pointee.next_in = UnsafeMutablePointer(
                    mutating: input.baseAddress!.advanced(by: handed).assumingMemoryBound(to: Bytef.self))
                stream.pointee.avail_in = UInt32(part)
                handed += part
            }
            let room = min(space.count - written, Int(UInt32.max))
            stream.pointee.next_out = space.baseAddress!.advanced(by: written).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(room)
            let status = inflate(stream, Z_NO_FLUSH)
            written += room - Int(stream.pointee.avail_out)
            produced += room - Int(stream.pointee.avail_out)
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                if try !nextMember() { return (written, true) }
            case Z_BUF_ERROR where stream.pointee.avail_out == 0:
                continue
            case Z_BUF_ERROR:
                // No progress with room to write: every input byte is used and the data is unfinished.
                throw .truncated(coding)
            case Z_NEED_DICT:
                throw .invalid(coding, reason: "the stream needs a preset dictionary (FDICT), which HTTP cannot supply")
            case Z_DATA_ERROR:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
                throw .invalid(coding, reason: reason)
            default:
                throw .zlibFailure(code: status)
            }
        }
        return (written, false)
    }

    /// After a stream's end: whether another gzip member follows (zlib is then reset to read it).
    private mutating func nextMember() throws(DecompressionError) -> Bool {
        let used = handed - Int(stream.pointee.avail_in)
        let left = input.count - used
        if left == 0 { return false }
        // A member starts with ID1 ID2 = 1f 8b (RFC 1952 §2.3.1); one lone 1f is a member cut short.
        let startsMember = input[used] == 0x1f && (left == 1 || input[used + 1] == 0x8b)
        guard coding == .gzip, startsMember else { throw .trailingData(coding, count: left) }
        let status = inflateReset(stream)
        guard status == Z_OK else { throw .zlibFailure(code: status) }
        return true
    }
}
