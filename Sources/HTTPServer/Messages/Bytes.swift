/// Writes bytes through a pointer, into room made beforehand (`[UInt8].append(bound:_:)`): for a
/// response head or a log line, whose length is bounded before it is written, one capacity check in
/// all instead of one per piece. `append(contentsOf: text.utf8)` took the generic sequence path,
/// about 170 instructions for a header name, and a small request's head and access line made 26 such
/// appends (5 900 of its 45 000 instructions). Public and inlinable so that LogitService's access
/// line writes through it without a call per piece.
public struct ByteCursor {
    @usableFromInline
    var p: UnsafeMutablePointer<UInt8>

    @inlinable
    public init(_ start: UnsafeMutablePointer<UInt8>) { p = start }

    /// `text`'s UTF-8 bytes: `text.utf8.count` of them.
    @inlinable
    public mutating func write(_ text: String) {
        let written = text.utf8.withContiguousStorageIfAvailable { bytes in
            if let base = bytes.baseAddress { p.update(from: base, count: bytes.count) }
            return bytes.count
        }
        if let written {
            p += written
        } else {
            for byte in text.utf8 { write(byte) }
        }
    }

    @inlinable
    public mutating func write(_ byte: UInt8) {
        p.pointee = byte
        p += 1
    }

    /// `value` in decimal: at most 20 bytes.
    @inlinable
    public mutating func writeDecimal(_ value: UInt64) {
        var digits = 1
        var scale: UInt64 = 10
        while digits < 20 && value >= scale {
            digits += 1
            scale = scale &* 10
        }
        var rest = value
        var at = digits
        repeat {
            at -= 1
            p[at] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        } while at > 0
        p += digits
    }
}

extension [UInt8] {
    /// Appends what `body` writes through its cursor, at most `bound` bytes, into capacity that is
    /// not initialised first.
    @inlinable
    public mutating func append(bound: Int, _ body: (inout ByteCursor) -> Void) {
        append(addingCapacity: bound) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                let start = buffer.baseAddress!
                var cursor = ByteCursor(start)
                body(&cursor)
                initialized = cursor.p - start
                precondition(initialized <= bound, "a byte bound is not an upper bound")
            }
        }
    }
}
