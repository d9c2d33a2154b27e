// A reference JSON validator for the fuzz targets: RFC 8259 read straight off the grammar, written
// for obviousness rather than speed, so that JSONCodec's fast Tape can be checked against it.
// It also applies JSONCodec's documented limits: at most `maxDepth` (64) open arrays and objects,
// strings in valid UTF-8 (RFC 3629: no overlongs, no surrogates, nothing over U+10FFFF) and no
// unpaired surrogate escapes. Numbers are checked for syntax only (1e400 is valid JSON).

enum ReferenceJSON {
    static func isValid(_ bytes: [UInt8], maxDepth: Int = 64) -> Bool {
        var reader = Reader(bytes: bytes, maxDepth: maxDepth)
        reader.skipWhitespace()
        guard reader.value(depth: 0) else { return false }
        reader.skipWhitespace()
        return reader.i == bytes.count
    }

    private struct Reader {
        let bytes: [UInt8]
        let maxDepth: Int
        var i = 0

        init(bytes: [UInt8], maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

        mutating func skipWhitespace() {
            while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 }
        }

        mutating func eat(_ c: Character) -> Bool {
            guard peek == c.asciiValue else { return false }
            i += 1
            return true
        }

        mutating func literal(_ word: String) -> Bool {
            for c in word.utf8 {
                guard peek == c else { return false }
                i += 1
            }
            return true
        }

        /// value = object / array / string / number / true / false / null
        mutating func value(depth: Int) -> Bool {
            switch peek {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth < maxDepth else { return false }
                return peek == UInt8(ascii: "{") ? object(depth: depth + 1) : array(depth: depth + 1)
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default: return number()
            }
        }

        mutating func object(depth: Int) -> Bool {
            i += 1
            skipWhitespace()
            if eat("}") { return true }
            while true {
                skipWhitespace()
                guard string() else { return false }
                skipWhitespace()
                guard eat(":") else { return false }
                skipWhitespace()
                guard value(depth: depth) else { return false }
                skipWhitespace()
                if eat("}") { return true }
                guard eat(",") else { return false }
            }
        }

        mutating func array(depth: Int) -> Bool {
            i += 1
            skipWhitespace()
            if eat("]") { return true }
            while true {
                skipWhitespace()
                guard value(depth: depth) else { return false }
                skipWhitespace()
                if eat("]") { return true }
                guard eat(",") else { return false }
            }
        }

        func isDigit(_ c: UInt8?) -> Bool { c.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }

        /// number = [ minus ] int [ frac ] [ exp ]; int = zero / ( digit1-9 *DIGIT )
        mutating func number() -> Bool {
            _ = eat("-")
            if eat("0") {
                // no leading zeros
            } else {
                guard isDigit(peek) else { return false }
                while isDigit(peek) { i += 1 }
            }
            if eat(".") {
                guard isDigit(peek) else { return false }
                while isDigit(peek) { i += 1 }
            }
            if eat("e") || eat("E") {
                if !eat("+") { _ = eat("-") }
                guard isDigit(peek) else { return false }
                while isDigit(peek) { i += 1 }
            }
            return true
        }

        func hex(_ c: UInt8) -> UInt32? {
            switch c {
            case 0x30...0x39: UInt32(c - 0x30)
            case 0x41...0x46: UInt32(c - 0x41 + 10)
            case 0x61...0x66: UInt32(c - 0x61 + 10)
            default: nil
            }
        }

        /// Four hex digits after `\u`.
        mutating func unicodeEscape() -> UInt32? {
            guard i + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let h = hex(bytes[i]) else { return nil }
                v = v << 4 | h
                i += 1
            }
            return v
        }

        mutating func string() -> Bool {
            guard eat("\"") else { return false }
            while let c = peek {
                switch c {
                case UInt8(ascii: "\""):
                    i += 1
                    return true
                case UInt8(ascii: "\\"):
                    i += 1
                    guard let e = peek else { return false }
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                        UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        continue
                    case UInt8(ascii: "u"):
                        guard let unit = unicodeEscape() else { return false }
                        if unit >= 0xDC00 && unit < 0xE000 { return false }
                        if unit >= 0xD800 && unit < 0xDC00 {
                            guard literal("\\u"), let low = unicodeEscape(), low >= 0xDC00, low < 0xE000 else {
                                return false
                            }
                        }
                    default: return false
                    }
                case 0x00..<0x20: return false
                case 0x20..<0x80: i += 1
                default: guard utf8Sequence() else { return false }
                }
            }
            return false
        }

        /// One multi-byte UTF-8 sequence (RFC 3629 table 3-7 of Unicode).
        mutating func utf8Sequence() -> Bool {
            let c = bytes[i]
            let count: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: count = 2
            case 0xE0:
                count = 3
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: count = 3
            case 0xED:
                count = 3
                high = 0x9F
            case 0xF0:
                count = 4
                low = 0x90
            case 0xF1...0xF3: count = 4
            case 0xF4:
                count = 4
                high = 0x8F
            default: return false
            }
            guard i + count <= bytes.count else { return false }
            for k in 1..<count {
                let b = bytes[i + k]
                let (lo, hi) = k == 1 ? (low, high) : (0x80, 0xBF)
                guard b >= lo, b <= hi else { return false }
            }
            i += count
            return true
        }
    }
}
