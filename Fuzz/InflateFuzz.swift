// libFuzzer target `inflate`: ContentCoding's bounded gzip/deflate reader, with a limit of 64 KiB so that
// bombs are reachable from inputs of a few KiB (deflate's ratio is up to 1032:1). Compiled by run.sh against
// ContentCoding, with Tests/TestSupport/Zlib.swift (zlib called directly) and zlib.
//
// Input: one mode byte, then DATA. Mode bit 0: gzip (0) or deflate, the zlib format (1); bits 1–4: a
// compression level for the round trip (taken modulo 10). Seeds: gzip and zlib data of real request bodies,
// as Python's gzip and zlib modules (which tritonclient uses) write them, and bombs (Fuzz/file_seeds.py).
//
// Invariants, each a crash (fatalError) when broken:
// 1. DATA decoded with the limit: the content never exceeds the limit; it is `tooLarge` exactly when the
//    data holds more than the limit before any error; otherwise the content, or a refusal, is what a
//    reference decoder (one zlib inflate per member into a buffer of limit + 1 bytes) finds; never
//    `zlibFailure`.
// 2. Round trip: DATA compressed by zlib directly (TestSupport's Zlib, gzip or zlib format, at the mode's
//    level) decodes to DATA with the limit DATA.count, and to `tooLarge` with the limit DATA.count − 1.

internal import CZlib
import ContentCoding

let limit = 64 * 1024

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInflate(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count >= 1 else { return 0 }
    let mode = start[0]
    let data = Array(UnsafeBufferPointer(start: start + 1, count: count - 1))
    let coding: Coding = mode & 1 == 0 ? .gzip : .deflate

    // 1. The data as a body.
    let reference = referenceInflate(data, gzip: coding == .gzip, limit: limit)
    do {
        let content = try Inflater.decompress(data, coding: coding, limit: limit)
        guard content.count <= limit else { fatalError("\(content.count) bytes decoded, over the limit \(limit)") }
        guard case .content(let expected) = reference, expected == content else {
            fatalError("decoded \(content.count) bytes; the reference: \(reference)")
        }
    } catch .tooLarge(let reported) {
        guard reported == limit, case .over = reference else {
            fatalError("tooLarge(\(reported)) with the limit \(limit); the reference: \(reference)")
        }
    } catch .zlibFailure(let code) {
        fatalError("zlib failed with \(code)")
    } catch {
        guard case .refused = reference else { fatalError("refused (\(error)); the reference: \(reference)") }
    }

    // 2. The round trip.
    let level = Int32((mode >> 1) % 10)
    let compressed = coding == .gzip ? Zlib.gzip(data, level: level) : Zlib.compress(data, level: level)
    do {
        let content = try Inflater.decompress(compressed, coding: coding, limit: data.count)
        guard content == data else { fatalError("the round trip gave \(content.count) bytes for \(data.count)") }
    } catch {
        fatalError("the round trip of \(data.count) bytes refused: \(error)")
    }
    if !data.isEmpty {
        do {
            let content = try Inflater.decompress(compressed, coding: coding, limit: data.count - 1)
            fatalError("\(data.count) bytes decoded in \(content.count) with the limit \(data.count - 1)")
        } catch .tooLarge(let reported) {
            guard reported == data.count - 1 else { fatalError("tooLarge(\(reported)) for \(data.count - 1)") }
        } catch {
            fatalError("over the limit by one, refused as \(error)")
        }
    }
    return 0
}

enum ReferenceResult: CustomStringConvertible {
    case content([UInt8])
    /// More than the limit decoded before any error.
    case over
    case refused(String)

    var description: String {
        switch self {
        case .content(let bytes): "\(bytes.count) bytes"
        case .over: "over the limit"
        case .refused(let why): "refused: \(why)"
        }
    }
}

/// RFC 1952 (several members, each read to its end, nothing after the last) or RFC 1950 (one stream, nothing
/// after it), decoded by zlib into one buffer of `limit` + 1 bytes: filling it means more than the limit.
func referenceInflate(_ data: [UInt8], gzip: Bool, limit: Int) -> ReferenceResult {
    if data.isEmpty { return .refused("no data") }
    var out = [UInt8](repeating: 0, count: limit + 1)
    var produced = 0
    var consumed = 0
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    defer { stream.deallocate() }
    while true {
        stream.initialize(to: z_stream())
        guard inflateInit2_(stream, gzip ? 31 : 15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            fatalError("inflateInit2 failed")
        }
        let (status, used, written) = data.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + consumed)
                stream.pointee.avail_in = UInt32(input.count - consumed)
                stream.pointee.next_out = output.baseAddress! + produced
                stream.pointee.avail_out = UInt32(output.count - produced)
                let status = inflate(stream, Z_FINISH)
                return (
                    status, input.count - consumed - Int(stream.pointee.avail_in),
                    output.count - produced - Int(stream.pointee.avail_out)
                )
            }
        }
        inflateEnd(stream)
        consumed += used
        produced += written
        if produced > limit { return .over }
        guard status == Z_STREAM_END else { return .refused("zlib status \(status)") }
        if consumed == data.count { return .content(Array(out[..<produced])) }
        // Another gzip member must begin right here (ID1 ID2 = 1f 8b).
        guard gzip, data[consumed] == 0x1f, consumed + 1 == data.count || data[consumed + 1] == 0x8b else {
            return .refused("\(data.count - consumed) bytes after the end")
        }
    }
}
