/// One JSON value in a `Tape`, in document order.
///
/// Containers are followed by their contents (an object's as key, value, key, value…), so an array's
/// elements are a walk along the tape and skipping a subtree is one jump (`payload`).
struct TapeNode {
    enum Kind: UInt8 {
        case object, array, string, number, `true`, `false`, null
    }

    var kind: Kind
    /// Strings: the content has backslash escapes. Numbers: the literal has no fraction and no exponent.
    var flag: Bool
    /// Strings: the first content byte (after the quote). Numbers: the first byte. Containers: the bracket.
    var start: UInt32
    /// Strings: the closing quote's offset. Numbers: one past the last byte. Containers: element count.
    var end: UInt32
    /// Numbers: the nearest Double's bit pattern (infinite when out of range). Containers: the tape index
    /// just past the last descendant.
    var payload: UInt64

    var jsonKind: JSONKind {
        switch kind {
        case .object: .object
        case .array: .array
        case .string: .string
        case .number: .number
        case .true, .false: .boolean
        case .null: .null
        }
    }
}

/// A validated JSON text, flattened into `TapeNode`s by one pass over the bytes.
///
/// Why a tape: numbers are converted once, while the bytes are hot in cache, and stored as Doubles, so
/// decoding `[Double]` is a walk over the tape with no per-element allocation; the whole document is
/// validated before any `init(from:)` runs, so a syntax error is always a syntax error (400) even when
/// a type would have failed earlier on something else.
struct Tape {
    var nodes: [TapeNode]
    let bytes: [UInt8]

    init(parsing bytes: [UInt8], maxDepth: Int) throws(JSONDecodingError) {
        self.bytes = bytes
        guard bytes.count < Int(UInt32.max) else {
            throw JSONDecodingError(.syntax(offset: 0, message: "document larger than 4 GiB"), path: "")
        }
        var nodes: [TapeNode] = []
        // One node per 16 bytes: a vector of full-precision numbers needs one per ~20 (a document of
        // short numbers grows the array); the capacity is memory the allocator keeps warm.
        nodes.reserveCapacity(bytes.count / 16 + 4)
        // The staging area for runs of numbers is on the stack: a heap block would cost a small request one
        // more malloc.
        try withUnsafeTemporaryAllocation(of: TapeNode.self, capacity: TapeParser.runCapacity) {
            (run) throws(JSONDecodingError) in
            try bytes.withUnsafeBufferPointer { (buffer) throws(JSONDecodingError) in
                var parser = TapeParser(bytes: buffer, maxDepth: maxDepth, run: run.baseAddress!)
                try parser.parseDocument(into: &nodes)
            }
        }
        self.nodes = nodes
    }

    /// The tape index just past the subtree rooted at `index`.
    @inline(__always)
    func next(after index: Int) -> Int {
        let node = nodes[index]
        switch node.kind {
        case .object, .array: return Int(node.payload)
        default: return index + 1
        }
    }

    /// Copies the nodes from `start` on into `out` as Doubles while they are finite numbers, at most
    /// `count` of them, and returns how many it copied (`count` when all were). Numbers are one node
    /// each, so an array of numbers is a contiguous run. What the readers of number arrays share: the
    /// `Decoder`'s `[Double]` and `JSONValue.numbers`.
    func finiteNumbers(from start: Int, count: Int, into out: UnsafeMutablePointer<Double>) -> Int {
        nodes.withUnsafeBufferPointer { nodes in
            for i in 0..<count {
                let node = nodes[start + i]
                let value = Double(bitPattern: node.payload)
                guard node.kind == .number, value.isFinite else { return i }
                out[i] = value
            }
            return count
        }
    }

    /// The literal text of a number node, as written.
    func literal(at index: Int) -> String {
        let node = nodes[index]
        return String(decoding: bytes[Int(node.start)..<Int(node.end)], as: UTF8.self)
    }

    /// The decoded content of a string node.
    func string(at index: Int) -> String {
        let node = nodes[index]
        let range = Int(node.start)..<Int(node.end)
        if !node.flag { return String(decoding: bytes[range], as: UTF8.self) }
        return String(decoding: unescape(bytes[range]), as: UTF8.self)
    }

    /// Decodes backslash escapes in an already validated string body.
    private func unescape(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var i = body.startIndex
        while i < body.endIndex {
            let byte = body[i]
            if byte != UInt8(ascii: "\\") {
                out.append(byte)
                i += 1
                continue
            }
            let escape = body[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(body, i)
                i += 4
                if scalar >= 0xD800, scalar < 0xDC00 {
                    let low = hex4(body, i + 2)  // validated: "\uDC00"..."\uDFFF" follows
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                appendUTF8(UInt32(scalar), to: &out)
            default: out.append(escape)  // \" \\ \/
            }
        }
        return out
    }

    private func hex4(_ body: ArraySlice<UInt8>, _ at: Int) -> UInt32 {
        var value: UInt32 = 0
        for k in 0..<4 { value = value << 4 | UInt32(hexValue(body[at + k])) }
        return value
    }
}

@inline(__always)
func hexValue(_ byte: UInt8) -> UInt8 {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
    default: 0xFF
    }
}

func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
    switch scalar {
    case ..<0x80:
        out.append(UInt8(scalar))
    case ..<0x800:
        out.append(UInt8(0xC0 | scalar >> 6))
        out.append(UInt8(0x80 | scalar & 0x3F))
    case ..<0x10000:
        out.append(UInt8(0xE0 | scalar >> 12))
        out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
        out.append(UInt8(0x80 | scalar & 0x3F))
    default:
        out.append(UInt8(0xF0 | scalar >> 18))
        out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
        out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
        out.append(UInt8(0x80 | scalar & 0x3F))
    }
}

/// The single pass that validates RFC 8259 and writes the tape. Iterative, with an explicit stack of
/// open containers, so nesting depth costs heap (bounded by `maxDepth`), never the thread's stack.
private struct TapeParser {
    let p: UnsafeBufferPointer<UInt8>
    let n: Int
    let maxDepth: Int
    /// Staging for a run of numbers, `runCapacity` nodes, owned by the caller.
    let run: UnsafeMutablePointer<TapeNode>
    var i = 0

    /// 32 nodes are 768 bytes: temporary allocations up to 1 KiB are always on the stack (larger ones depend
    /// on a runtime check that can send them to the heap).
    static let runCapacity = 32

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int, run: UnsafeMutablePointer<TapeNode>) {
        self.p = bytes
        self.n = bytes.count
        self.maxDepth = maxDepth
        self.run = run
    }

    func fail(_ message: String, at offset: Int) -> JSONDecodingError {
        JSONDecodingError(.syntax(offset: offset, message: message), path: "")
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while i < n {
            let c = p[i]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i += 1
        }
    }

    mutating func parseDocument(into nodes: inout [TapeNode]) throws(JSONDecodingError) {
        var open: [Int] = []  // tape indices of the containers not yet closed
        var justOpened = false
        skipWhitespace()
        try parseValue(into: &nodes, open: &open, justOpened: &justOpened)
        while let top = open.last {
            skipWhitespace()
            let isObject = nodes[top].kind == .object
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            guard i < n else {
                throw fail(
                    justOpened ? "unexpected end of input" : "expected ',' or '\(Character(Unicode.Scalar(close)))'",
                    at: i)
            }
            let c = p[i]
            if justOpened {
                justOpened = false
                if c == close {
                    closeContainer(top, in: &nodes, open: &open)
                    continue
                }
            } else if c == UInt8(ascii: ",") {
                i += 1
                skipWhitespace()
            } else if c == close {
                closeContainer(top, in: &nodes, open: &open)
                continue
            } else {
                throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))'", at: i)
            }
            if !isObject, i < n, p[i] == UInt8(ascii: "-") || p[i] &- UInt8(ascii: "0") < 10 {
                // A run of numbers (a vector): parse them back to back, counting locally, and hand back to
                // the general loop at the first thing that is not ", number".
                // Numbers the fast path reads are staged in `run` and appended a chunk at a time, which spares
                // the per-element uniqueness and capacity checks of `append`.
                var count: UInt32 = 0
                var staged = 0
                while true {
                    if let (node, end) = fastNumber() {
                        run[staged] = node
                        staged &+= 1
                        i = end
                        if staged == Self.runCapacity {
                            nodes.append(contentsOf: UnsafeBufferPointer(start: run, count: staged))
                            staged = 0
                        }
                    } else {
                        nodes.append(contentsOf: UnsafeBufferPointer(start: run, count: staged))
                        staged = 0
                        try parseNumber(into: &nodes)
                    }
                    count += 1
                    if i < n, p[i] == UInt8(ascii: ","), i + 1 < n,
                        p[i + 1] == UInt8(ascii: "-") || p[i + 1] &- UInt8(ascii: "0") < 10
                    {
                        i += 1  // the usual separator: a bare comma
                        continue
                    }
                    skipWhitespace()
                    guard i < n, p[i] == UInt8(ascii: ",") else { break }
                    var next = i + 1
                    while next < n, p[next] == 0x20 || p[next] == 0x0A || p[next] == 0x0D || p[next] == 0x09 {
                        next += 1
                    }
                    guard next < n, p[next] == UInt8(ascii: "-") || p[next] &- UInt8(ascii: "0") < 10 else { break }
                    i = next
                }
                nodes.append(contentsOf: UnsafeBufferPointer(start: run, count: staged))
                nodes[top].end += count
                continue
            }
            nodes[top].end += 1
            if isObject {
                guard i < n, p[i] == UInt8(ascii: "\"") else { throw fail("expected a string key", at: i) }
                try parseString(into: &nodes)
                skipWhitespace()
                guard i < n, p[i] == UInt8(ascii: ":") else { throw fail("expected ':'", at: i) }
                i += 1
                skipWhitespace()
            }
            try parseValue(into: &nodes, open: &open, justOpened: &justOpened)
        }
        skipWhitespace()
        if i != n { throw fail("unexpected data after the value", at: i) }
    }

    @inline(__always)
    mutating func closeContainer(_ top: Int, in nodes: inout [TapeNode], open: inout [Int]) {
        nodes[top].payload = UInt64(nodes.count)
        open.removeLast()
        i += 1
    }

    @inline(__always)
    mutating func parseValue(
        into nodes: inout [TapeNode], open: inout [Int], justOpened: inout Bool
    ) throws(JSONDecodingError) {
        guard i < n else { throw fail("unexpected end of input", at: i) }
        let c = p[i]
        switch c {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try parseNumber(into: &nodes)
        case UInt8(ascii: "\""):
            try parseString(into: &nodes)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            if open.count >= maxDepth {
                throw JSONDecodingError(.tooDeep(limit: maxDepth), path: "")
            }
            open.append(nodes.count)
            nodes.append(
                TapeNode(
                    kind: c == UInt8(ascii: "[") ? .array : .object, flag: false, start: UInt32(i), end: 0, payload: 0)
            )
            justOpened = true
            i += 1
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            nodes.append(TapeNode(kind: .true, flag: false, start: UInt32(i - 4), end: UInt32(i), payload: 0))
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            nodes.append(TapeNode(kind: .false, flag: false, start: UInt32(i - 5), end: UInt32(i), payload: 0))
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            nodes.append(TapeNode(kind: .null, flag: false, start: UInt32(i - 4), end: UInt32(i), payload: 0))
        default:
            throw fail("expected a value", at: i)
        }
    }

    mutating func expectLiteral(_ word: StaticString) throws(JSONDecodingError) {
        let start = i
        for k in 0..<word.utf8CodeUnitCount {
            guard i < n, p[i] == word.utf8Start[k] else {
                throw fail(i < n ? "invalid literal" : "unexpected end of input", at: i < n ? start : i)
            }
            i += 1
        }
    }

    /// Reads the string starting at the opening quote `p[i]`, validating escapes and UTF-8.
    mutating func parseString(into nodes: inout [TapeNode]) throws(JSONDecodingError) {
        i += 1
        let start = i
        var escaped = false
        while true {
            // ASCII run: the common case, one comparison chain per byte.
            while i < n {
                let c = p[i]
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { break }
                i += 1
            }
            guard i < n else { throw fail("unterminated string", at: i) }
            let c = p[i]
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") {
                escaped = true
                try parseEscape()
            } else if c < 0x20 {
                throw fail("control character in string", at: i)
            } else {
                try validateUTF8Sequence()
            }
        }
        nodes.append(TapeNode(kind: .string, flag: escaped, start: UInt32(start), end: UInt32(i), payload: 0))
        i += 1
    }

    mutating func parseEscape() throws(JSONDecodingError) {
        let at = i
        guard i + 1 < n else { throw fail("unterminated string", at: n) }
        switch p[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            i += 2
        case UInt8(ascii: "u"):
            i += 2
            let unit = try hex4()
            if unit >= 0xDC00, unit < 0xE000 { throw fail("unpaired surrogate", at: at) }
            if unit >= 0xD800, unit < 0xDC00 {
                // A high surrogate must be followed at once by an escaped low one.
                guard i < n else { throw fail("unterminated string", at: n) }
                guard p[i] == UInt8(ascii: "\\") else { throw fail("unpaired surrogate", at: at) }
                guard i + 1 < n else { throw fail("unterminated string", at: n) }
                guard p[i + 1] == UInt8(ascii: "u") else { throw fail("unpaired surrogate", at: at) }
                i += 2
                let low = try hex4()
                guard low >= 0xDC00, low < 0xE000 else { throw fail("unpaired surrogate", at: at) }
            }
        default:
            throw fail("invalid escape", at: at)
        }
    }

    mutating func hex4() throws(JSONDecodingError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard i < n else { throw fail("unterminated string", at: i) }
            let digit = hexValue(p[i])
            guard digit != 0xFF else { throw fail("invalid \\u escape", at: i) }
            value = value << 4 | UInt32(digit)
            i += 1
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence at `p[i]` (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
    mutating func validateUTF8Sequence() throws(JSONDecodingError) {
        let lead = p[i]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default: throw fail("invalid UTF-8", at: i)
        }
        guard i + length <= n else { throw fail("invalid UTF-8", at: i) }
        let second = p[i + 1]
        guard second >= low, second <= high else { throw fail("invalid UTF-8", at: i) }
        for k in 2..<max(length, 2) where p[i + k] & 0xC0 != 0x80 {
            throw fail("invalid UTF-8", at: i)
        }
        i += length
    }

    /// Appends the decimal digits at `base[i...]` to `significand` and moves `i` past them (wrapping past 19
    /// digits: the caller counts digits and uses strtod then). Eight bytes at a time while eight more remain
    /// in the buffer: the SWAR digit test and conversion from Lemire's fast_float, extended to the partial
    /// word that ends the run, so the 0…7 digits before the first non-digit are converted without a
    /// data-dependent loop. Within eight bytes of the end of the input it reads byte by byte, so no load
    /// goes past the buffer.
    @inline(__always)
    static func readDigits(
        _ base: UnsafePointer<UInt8>, count n: Int, at i: inout Int, into significand: inout UInt64
    ) {
        var value = significand
        while i &+ 8 <= n {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            // fast_float's test: a byte's top bit is set in `nonDigit` iff it is below "0" (the subtraction
            // borrows) or above "9" (adding 0x46 reaches 0x80), exactly up to the first non-digit (a borrow or
            // a carry only starts at a non-digit, so it can only disturb the bytes after it).
            let nonDigit =
                ((word &+ 0x4646_4646_4646_4646) | (word &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080
            if nonDigit == 0 {
                value = value &* 100_000_000 &+ eightDigitsValue(word &- 0x3030_3030_3030_3030)
                i &+= 8
                continue
            }
            // k < 8 leading digits: keep their bytes (no borrow reaches them from the bytes after), move them
            // to the top of the word so the missing leading places read as zeros, and convert as eight.
            let k = nonDigit.trailingZeroBitCount &>> 3
            // Two shifts by 32 − 4k, so that k = 0 shifts everything out where one `&<<` by 64 would wrap to 0.
            let half = UInt64(truncatingIfNeeded: 32 &- k &* 4)
            let kept = ((word &- 0x3030_3030_3030_3030) &<< half) &<< half
            significand = value &* smallPowerOfTen(k) &+ eightDigitsValue(kept)
            i &+= k
            return
        }
        while i < n {
            let digit = base[i] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            value = value &* 10 &+ UInt64(digit)
            i &+= 1
        }
        significand = value
    }

    /// The value of eight digit bytes (0...9 each), the first in the lowest byte.
    @inline(__always)
    static func eightDigitsValue(_ digits: UInt64) -> UInt64 {
        let pairs = (digits &* 10) &+ (digits >> 8)
        return
            ((pairs & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064
            &+ ((pairs >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001) >> 32
    }

    /// 10^k for k in 0...7.
    @inline(__always)
    static func smallPowerOfTen(_ k: Int) -> UInt64 {
        // A switch compiles to a constant table; a global array would need a lazy-initialisation check.
        switch k {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1_000
        case 4: 10_000
        case 5: 100_000
        case 6: 1_000_000
        default: 10_000_000
        }
    }

    /// The common number, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]{1,4})?` with at most 19 digits
    /// before the exponent, converted without leaving registers; nil for anything else (a longer exponent,
    /// more digits, a malformed literal, a value only the exact fallback can decide), which `parseNumber`
    /// then reads from the same place, so every error is still found and reported there. Both convert
    /// with the same `DecimalConversion.fastDouble`, so a literal reads to the same Double either way.
    ///
    /// `@inline(always)` (SE-0496, Swift 6.3), not `@inline(__always)`: with the latter the optimizer still
    /// left a call per number here (its own symbol in perf); inlined, JSONCodecBench's decode of the
    /// `large` body is about 2 % faster.
    @inline(always)
    func fastNumber() -> (node: TapeNode, end: Int)? {
        let base = p.baseAddress!
        let start = i
        // The sign without a branch: half the logits of a row are negative, at random, and a branch on it
        // was mispredicted every other number (a payload of random signs decoded 10 % slower than the same
        // numbers all positive). It is read from a word load because the caller has just compared this byte
        // with "-", and the optimizer turned a select on the same byte back into a branch on that compare.
        let signLength: Int
        if start &+ 8 <= n {
            let head = UInt64(littleEndian: UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self))
            signLength = UInt8(truncatingIfNeeded: head) == UInt8(ascii: "-") ? 1 : 0
        } else {
            signLength = base[start] == UInt8(ascii: "-") ? 1 : 0
        }
        var i = start &+ signLength
        guard i < n else { return nil }
        var significand: UInt64 = 0
        let first = base[i]
        if first == UInt8(ascii: "0") {
            i &+= 1
        } else if first &- UInt8(ascii: "1") < 9 {
            // Integer parts are short (a logit's has one digit): up to four by a byte loop, whose exit is
            // predictable when the lengths are alike, then the word-wise reader for a long one.
            significand = UInt64(first &- UInt8(ascii: "0"))
            i &+= 1
            let shortEnd = min(n, i &+ 3)
            while i < shortEnd, base[i] &- UInt8(ascii: "0") < 10 {
                significand = significand &* 10 &+ UInt64(base[i] &- UInt8(ascii: "0"))
                i &+= 1
            }
            if i == shortEnd { Self.readDigits(base, count: n, at: &i, into: &significand) }
        } else {
            return nil
        }
        var digitCount = i &- start &- signLength  // an upper bound: a lone 0 is counted too
        var exponent = 0
        var isInteger = true
        if i < n {
            let c = base[i]
            if c == UInt8(ascii: ".") {
                isInteger = false
                i &+= 1
                let fractionStart = i
                Self.readDigits(base, count: n, at: &i, into: &significand)
                guard i > fractionStart else { return nil }
                digitCount &+= i &- fractionStart
                exponent = fractionStart &- i
            } else if c &- UInt8(ascii: "0") < 10 {
                return nil  // a leading zero
            }
            if i < n, base[i] | 0x20 == UInt8(ascii: "e") {
                // An exponent of one to four digits, as answers spell small probabilities
                // (7.0459558397441e-06); a longer or malformed one is `parseNumber`'s.
                isInteger = false
                i &+= 1
                guard i < n else { return nil }
                let negativeExponent = base[i] == UInt8(ascii: "-")
                if negativeExponent || base[i] == UInt8(ascii: "+") { i &+= 1 }
                let exponentStart = i
                let exponentEnd = min(n, i &+ 4)
                var magnitude = 0
                while i < exponentEnd, base[i] &- UInt8(ascii: "0") < 10 {
                    magnitude = magnitude &* 10 &+ Int(base[i] &- UInt8(ascii: "0"))
                    i &+= 1
                }
                guard i > exponentStart, i == n || base[i] &- UInt8(ascii: "0") >= 10 else { return nil }
                exponent &+= negativeExponent ? 0 &- magnitude : magnitude
            }
        }
        guard digitCount <= 19, let value = DecimalConversion.fastDouble(significand: significand, exponent: exponent)
        else { return nil }
        let node = TapeNode(
            kind: .number, flag: isInteger, start: UInt32(truncatingIfNeeded: start),
            end: UInt32(truncatingIfNeeded: i),
            payload: value.bitPattern | UInt64(truncatingIfNeeded: signLength) << 63)
        return (node, i)
    }

    /// Reads a number per RFC 8259 §6 and converts it to the nearest Double in the same pass.
    mutating func parseNumber(into nodes: inout [TapeNode]) throws(JSONDecodingError) {
        let start = i
        let negative = p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < n else { throw fail("unexpected end of input", at: i) }
        var significand: UInt64 = 0
        var digitCount = 0  // significant digits, leading zeros excluded
        var exponent = 0
        let first = p[i]
        if first == UInt8(ascii: "0") {
            i += 1
            if i < n, p[i] &- UInt8(ascii: "0") < 10 { throw fail("leading zero in number", at: start) }
        } else if first &- UInt8(ascii: "1") < 9 {
            let digitsStart = i
            Self.readDigits(p.baseAddress!, count: n, at: &i, into: &significand)
            digitCount = i - digitsStart
        } else {
            throw fail("invalid number", at: start)
        }
        var isInteger = true
        if i < n, p[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            let fractionStart = i
            if digitCount == 0 {
                // "0.000123": zeros before the first significant digit only move the exponent.
                while i < n, p[i] == UInt8(ascii: "0") { i += 1 }
            }
            let significantStart = i
            Self.readDigits(p.baseAddress!, count: n, at: &i, into: &significand)
            digitCount += i - significantStart
            guard i > fractionStart else { throw fail(i < n ? "invalid number" : "unexpected end of input", at: i) }
            exponent = fractionStart - i
        }
        if i < n, p[i] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            i += 1
            var exponentNegative = false
            if i < n, p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+") {
                exponentNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            let exponentStart = i
            var value = 0
            while i < n {
                let digit = p[i] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if value < 100_000_000 { value = value * 10 + Int(digit) }
                i += 1
            }
            guard i > exponentStart else { throw fail(i < n ? "invalid number" : "unexpected end of input", at: i) }
            exponent += exponentNegative ? -value : value
        }
        let value: Double
        if digitCount <= 19, let fast = DecimalConversion.fastDouble(significand: significand, exponent: exponent) {
            value = negative ? -fast : fast
        } else {
            value = DecimalConversion.strtodExact(UnsafeBufferPointer(rebasing: p[start..<i]))  // sign included
        }
        nodes.append(
            TapeNode(
                kind: .number, flag: isInteger, start: UInt32(start), end: UInt32(i), payload: value.bitPattern))
    }
}
