#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// parsedump: runs logitd's `RequestParser` over a file of inputs and prints what it made of each,
/// one JSON line per input, for `compare.py` to hold against an independent parser.
///
/// Built by `build.sh` with plain `swiftc` from `Sources/HTTPServer/{Messages,Parsing}` and this
/// file as one module, so it needs neither SwiftPM nor the rest of the server.
///
/// Input: one base64-encoded input per line (empty lines are empty inputs). Output, per input:
///
///     {"ok":true,"end":"idle","requests":[{"method":…,"target":…,"version":"1.1",
///      "headers":[[name,value],…],"body_b64":…,"keep_alive":true}]}
///     {"ok":false,"status":400,"error":"bareLineFeed","after":1,"requests":[…]}
///
/// `end` says where the byte stream stopped: `idle` (between requests, nothing buffered),
/// `pending` (inside a request: it needs more bytes), or `closed` (a request without keep-alive
/// ended the connection; the server ignores whatever follows, so the dump does too).
/// `after` is the number of requests completed before the error.
///
/// With `--check-splits`, each input is also fed one byte at a time and in seeded random pieces;
/// an outcome that depends on how the bytes were split is a parser bug by itself, reported as
/// `"split_mismatch": "bytewise"` (or `"random"`) on that input's line.
@main
struct ParseDump {
    static func main() {
        var checkSplits = false
        for argument in CommandLine.arguments.dropFirst() {
            switch argument {
            case "--check-splits": checkSplits = true
            default:
                printError("usage: parsedump [--check-splits] < inputs.b64")
                exit(2)
            }
        }
        var index: UInt64 = 0
        var output = ""
        while let line = readLine(strippingNewline: true) {
            guard let input = Base64.decode(line) else {
                printError("parsedump: line \(index + 1) is not base64")
                exit(2)
            }
            var outcome = DumpOutcome.of(input, pieces: [input.count])
            if checkSplits {
                let whole = outcome.json
                if DumpOutcome.of(input, pieces: Array(repeating: 1, count: input.count)).json != whole {
                    outcome.splitMismatch = "bytewise"
                } else {
                    var random = SplitMix64(seed: index &* 0x9E37_79B9_7F4A_7C15 &+ 1)
                    var pieces: [Int] = []
                    var left = input.count
                    while left > 0 {
                        let n = min(left, Int(random.next() % 97) + 1)
                        pieces.append(n)
                        left -= n
                    }
                    if DumpOutcome.of(input, pieces: pieces).json != whole { outcome.splitMismatch = "random" }
                }
            }
            output += outcome.json
            output += "\n"
            if output.utf8.count > 1 << 16 {
                print(output, terminator: "")
                output = ""
            }
            index += 1
        }
        print(output, terminator: "")
    }
}

/// What the parser made of one input.
struct DumpOutcome {
    enum End: String {
        case idle, pending, closed
    }

    var requests: [Request] = []
    var keepAlive: [Bool] = []
    var error: ParseError?
    var end: End = .idle
    var splitMismatch: String?

    /// Feeds `input` to a fresh parser in pieces of the given sizes, draining events after each.
    static func of(_ input: [UInt8], pieces: [Int]) -> DumpOutcome {
        var parser = RequestParser(limits: ParserLimits())
        var outcome = DumpOutcome()
        var offset = 0
        feeding: for size in pieces {
            parser.append(input[offset..<offset + size])
            offset += size
            while let event = parser.next() {
                switch event {
                case .head:
                    continue
                case .request(let request, let keepAlive):
                    outcome.requests.append(request)
                    outcome.keepAlive.append(keepAlive)
                    if !keepAlive {
                        outcome.end = .closed
                        break feeding
                    }
                case .error(let error):
                    outcome.error = error
                    break feeding
                }
            }
        }
        if outcome.error == nil && outcome.end != .closed {
            outcome.end = parser.isIdle ? .idle : .pending
        }
        return outcome
    }

    var json: String {
        var out: String
        if let error {
            out = #"{"ok":false,"status":\#(error.status.code),"error":"#
            out += jsonString("\(error)")
            out += #","after":\#(requests.count),"#
        } else {
            out = #"{"ok":true,"end":"\#(end.rawValue)","#
        }
        out += #""requests":["#
        for (i, request) in requests.enumerated() {
            if i > 0 { out += "," }
            out += #"{"method":"#
            out += jsonString(request.method.rawValue)
            out += #","target":"#
            out += jsonString(request.target)
            out += #","version":"\#(request.version.major).\#(request.version.minor)","headers":["#
            for (j, field) in request.headers.fields.enumerated() {
                if j > 0 { out += "," }
                out += "[" + jsonString(field.name) + "," + jsonString(field.value) + "]"
            }
            out += #"],"body_b64":""#
            out += Base64.encode(request.body)
            out += #"","keep_alive":\#(keepAlive[i])}"#
        }
        out += "]"
        if let splitMismatch { out += #","split_mismatch":"\#(splitMismatch)""# }
        return out + "}"
    }
}

/// RFC 4648 base64, standard alphabet with padding: the inputs and bodies travel as text.
enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for shift in [18, 12, 6, 0] as [UInt32] { out.append(alphabet[Int((n >> shift) & 63)]) }
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int((n >> 18) & 63)])
            out.append(alphabet[Int((n >> 12) & 63)])
            out.append(rest == 2 ? alphabet[Int((n >> 6) & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(text.utf8.count)
        var padding = 0
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(c - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(c - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"): values.append(62)
            case UInt8(ascii: "/"): values.append(63)
            case UInt8(ascii: "="): padding += 1
            case UInt8(ascii: "\r"): continue
            default: return nil
            }
            if padding > 0 && c != UInt8(ascii: "=") { return nil }
        }
        guard (values.count + padding) % 4 == 0, padding <= 2 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 3 / 4)
        var i = 0
        while i + 4 <= values.count {
            let n =
                UInt32(values[i]) << 18 | UInt32(values[i + 1]) << 12 | UInt32(values[i + 2]) << 6
                | UInt32(values[i + 3])
            out += [UInt8(n >> 16), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)]
            i += 4
        }
        let rest = values.count - i
        if rest >= 2 {
            let n = UInt32(values[i]) << 18 | UInt32(values[i + 1]) << 12 | (rest == 3 ? UInt32(values[i + 2]) << 6 : 0)
            out.append(UInt8(n >> 16))
            if rest == 3 { out.append(UInt8((n >> 8) & 0xFF)) }
        } else if rest == 1 {
            return nil
        }
        return out
    }
}

/// A small seeded generator (Steele, Lea and Flood's SplitMix64), so a split is reproducible.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func printError(_ message: String) {
    var standardError = StandardError()
    print(message, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        for byte in string.utf8 { putc(Int32(byte), stderr) }
    }
}

/// `s` as a JSON string literal (RFC 8259 §7): quotes, backslashes and control characters escaped.
func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
