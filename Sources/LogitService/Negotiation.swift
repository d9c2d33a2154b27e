import ContentCoding
import HTTPServer

/// Which representation a compute endpoint answers with, from the request's `Accept` fields
/// (RFC 9110 §12.5.1): JSON unless the client prefers `image/svg+xml`.
///
/// Each offered type takes the weight of the most specific media range that matches it (`image/svg+xml`
/// before `image/*` before `*/*`); a type no range matches has weight 0. SVG is chosen only when its
/// weight is greater than JSON's, so JSON stays the answer without `Accept`, with `*/*`, and on a tie.
/// When both weigh 0 there is nothing acceptable to send (406).
///
/// Lenient where the RFC lets a recipient be: empty list elements are skipped (§5.6.1), an element
/// that is not a media range or has a malformed `q` is ignored, and a field with no usable element
/// counts as no field. Media-type parameters and accept-extensions are read past (quoted strings
/// included) and do not take part in matching: neither representation has parameters.
package enum Negotiation {
    package enum Representation: Sendable, Equatable {
        case json
        case svg

        package var mediaType: String {
            switch self {
            case .json: "application/json"
            case .svg: "image/svg+xml"
            }
        }
    }

    /// The representation to send for these `Accept` field values (every `Accept` line, in order), or
    /// nil when the client accepts neither.
    package static func representation(accept values: [String]) -> Representation? {
        let ranges = values.flatMap(MediaRange.parseList)
        if ranges.isEmpty { return .json }
        let json = weight(of: ("application", "json"), in: ranges)
        let svg = weight(of: ("image", "svg+xml"), in: ranges)
        if json == 0, svg == 0 { return nil }
        return svg > json ? .svg : .json
    }

    /// The weight (in thousandths) of `type` under the most specific range that matches it; when equally
    /// specific ranges disagree, the greatest.
    static func weight(of type: (type: String, subtype: String), in ranges: [MediaRange]) -> Int {
        var best: (specificity: Int, weight: Int)?
        for range in ranges {
            guard let specificity = range.specificity(matching: type) else { continue }
            if let current = best,
                current.specificity > specificity
                    || (current.specificity == specificity && current.weight >= range.weight)
            {
                continue
            }
            best = (specificity, range.weight)
        }
        return best?.weight ?? 0
    }

    /// One element of `Accept`: `type/subtype` (or `type/*`, `*/*`) and its weight in thousandths.
    struct MediaRange: Equatable {
        var type: String
        var subtype: String
        var weight: Int

        /// 2 for an exact match, 1 for `type/*`, 0 for `*/*`; nil when the range doesn't cover `offer`.
        func specificity(matching offer: (type: String, subtype: String)) -> Int? {
            if type == "*" { return subtype == "*" ? 0 : nil }
            guard type == offer.type else { return nil }
            if subtype == "*" { return 1 }
            return subtype == offer.subtype ? 2 : nil
        }

        /// The valid media ranges of one field value, in order.
        static func parseList(_ value: String) -> [MediaRange] {
            splitOutsideQuotes(Substring(value), at: ",").compactMap(parse)
        }

        /// `media-range [ weight ]`, or nil when `element` is empty or malformed.
        static func parse(_ element: Substring) -> MediaRange? {
            var parts = splitOutsideQuotes(element, at: ";").map { $0.trimmingSpaces() }
            guard !parts.isEmpty else { return nil }
            let range = parts.removeFirst().lowercased()
            let halves = range.split(separator: "/", omittingEmptySubsequences: false)
            guard halves.count == 2, halves.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isTokenByte) }) else {
                return nil
            }
            let (type, subtype) = (String(halves[0]), String(halves[1]))
            if type == "*", subtype != "*" { return nil }
            var weight = 1000
            for parameter in parts where !parameter.isEmpty {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { return nil }
                if pair[0].trimmingSpaces().lowercased() == "q" {
                    guard let q = quality(pair[1].trimmingSpaces()) else { return nil }
                    weight = q
                    break  // what follows is accept-ext
                }
            }
            return MediaRange(type: type, subtype: subtype, weight: weight)
        }

        /// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )` in thousandths (RFC 9110 §12.4.2), read
        /// as `Accept-Encoding`'s weights are.
        static func quality(_ text: Substring) -> Int? { AcceptEncoding.qvalue(text.utf8) }

        /// tchar (RFC 9110 §5.6.2).
        static func isTokenByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                return true
            default: return "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
        }

        /// `text` split at `separator` where it is not inside a quoted string (with its backslash escapes).
        static func splitOutsideQuotes(_ text: Substring, at separator: Character) -> [Substring] {
            var pieces: [Substring] = []
            var start = text.startIndex
            var quoted = false
            var escaped = false
            var i = text.startIndex
            while i < text.endIndex {
                let c = text[i]
                if escaped {
                    escaped = false
                } else if quoted, c == "\\" {
                    escaped = true
                } else if c == "\"" {
                    quoted.toggle()
                } else if c == separator, !quoted {
                    pieces.append(text[start..<i])
                    start = text.index(after: i)
                }
                i = text.index(after: i)
            }
            pieces.append(text[start...])
            return pieces
        }
    }
}
