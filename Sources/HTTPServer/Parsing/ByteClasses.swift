/// Byte classes from the HTTP grammar, as bit tests rather than tables: no lazy globals to
/// initialise and nothing to bounds-check on the hot path.
enum ByteClass {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")

    /// RFC 9110 §5.6.2: `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
    /// "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA`. Bits 0-63 and 64-127 of that set.
    private static let tokenLow: UInt64 = 0x03ff_6cfa_0000_0000
    private static let tokenHigh: UInt64 = 0x57ff_ffff_c7ff_fffe

    @inline(__always)
    static func isToken(_ b: UInt8) -> Bool {
        if b < 64 { return (tokenLow >> UInt64(b)) & 1 != 0 }
        if b < 128 { return (tokenHigh >> UInt64(b &- 64)) & 1 != 0 }
        return false
    }

    /// RFC 9110 §5.5: `field-vchar = VCHAR / obs-text`, plus SP and HTAB inside a value.
    /// Everything else (NUL, CR, LF, other controls, DEL) is refused.
    @inline(__always)
    static func isFieldValueByte(_ b: UInt8) -> Bool {
        b == tab || (b >= 0x20 && b != 0x7F)
    }

    /// A byte that may appear in a request target: a visible ASCII character. RFC 3986 allows a
    /// subset of these; the router deals with the rest. Raw non-ASCII must be percent-encoded.
    @inline(__always)
    static func isTargetByte(_ b: UInt8) -> Bool {
        b > 0x20 && b < 0x7F
    }

    /// RFC 3986 `uri-host [":" port]`: unreserved, pct-encoded and sub-delims (reg-name), plus
    /// `:` for the port and `[` `]` for an IP-literal. Bits 0-63 and 64-127 of that set.
    private static let hostLow: UInt64 = 0x2fff_7ff2_0000_0000
    private static let hostHigh: UInt64 = 0x47ff_fffe_afff_fffe

    @inline(__always)
    static func isHostByte(_ b: UInt8) -> Bool {
        if b < 64 { return (hostLow >> UInt64(b)) & 1 != 0 }
        if b < 128 { return (hostHigh >> UInt64(b &- 64)) & 1 != 0 }
        return false
    }

    @inline(__always)
    static func isOWS(_ b: UInt8) -> Bool { b == space || b == tab }

    /// The value of a hex digit, or nil.
    @inline(__always)
    static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(b &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(b &- UInt8(ascii: "a") &+ 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(b &- UInt8(ascii: "A") &+ 10)
        default: nil
        }
    }

    /// Whether `bytes[range]` is exactly `text` (methods are case-sensitive, RFC 9110 §9.1).
    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ text: StaticString) -> Bool {
        guard range.count == text.utf8CodeUnitCount else { return false }
        let expected = text.utf8Start
        var i = 0
        for index in range {
            if bytes[index] != expected[i] { return false }
            i &+= 1
        }
        return true
    }

    /// Whether `bytes[range]` equals `lowercase` ignoring ASCII case. `lowercase` holds only
    /// lowercase letters, digits and `-`, and callers pass only validated names or values (no
    /// control bytes), so folding bit 5 (`b | 0x20`) can only turn an uppercase letter into a match.
    @inline(__always)
    static func equalsIgnoringCase(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ lowercase: StaticString
    ) -> Bool {
        guard range.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        var i = 0
        for index in range {
            let b = bytes[index]
            let e = expected[i]
            if b != e && (b | 0x20) != e { return false }
            i &+= 1
        }
        return true
    }
}
