/// Writes an SVG document as text, one element at a time: elements are closed in the order they were
/// opened, attribute values and text are escaped for XML, and numbers are written with at most two
/// decimals, so the same picture is always the same bytes.
///
/// Only presentation attributes are written (`fill`, `font-size`), never `style`: a page whose
/// `Content-Security-Policy` forbids inline style still draws them.
struct SVGWriter {
    private(set) var text = ""
    private var open: [String] = []

    /// An attribute's value: text (escaped when written) or a coordinate.
    enum Value: ExpressibleByStringLiteral, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
        case text(String)
        case number(Double)

        init(stringLiteral value: String) { self = .text(value) }
        init(floatLiteral value: Double) { self = .number(value) }
        init(integerLiteral value: Int) { self = .number(Double(value)) }
    }

    /// `<name attributes>`; its content follows until the matching `close()`.
    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, Value> = [:]) {
        startTag(name, attributes)
        text += ">"
        open.append(name)
    }

    mutating func close() {
        let name = open.removeLast()
        text += "</\(name)>"
    }

    /// `<name attributes/>`
    mutating func leaf(_ name: String, _ attributes: KeyValuePairs<String, Value> = [:]) {
        startTag(name, attributes)
        text += "/>"
    }

    /// `<name attributes>content</name>`, with `content` escaped.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, Value> = [:], text content: String) {
        startTag(name, attributes)
        text += ">"
        text += Self.escaped(content)
        text += "</\(name)>"
    }

    /// The document's bytes; every element must have been closed.
    var bytes: [UInt8] {
        precondition(open.isEmpty, "SVGWriter: <\(open.last ?? "")> was never closed")
        return Array(text.utf8)
    }

    private mutating func startTag(_ name: String, _ attributes: KeyValuePairs<String, Value>) {
        text += "<"
        text += name
        for (key, value) in attributes {
            text += " \(key)=\""
            switch value {
            case .text(let string): text += Self.escaped(string)
            case .number(let number): text += Self.coordinate(number)
            }
            text += "\""
        }
    }

    /// `string` as XML character data or an attribute value: the five special characters as entities, and
    /// the characters XML 1.0 forbids even as references (C0 controls other than tab, line feed and
    /// carriage return; U+FFFE, U+FFFF) as U+FFFD, so that any label a client sends yields a document that
    /// parses. Line breaks in attributes are written as references, which attribute normalisation keeps.
    static func escaped(_ string: String) -> String {
        var out = ""
        out.reserveCapacity(string.utf8.count)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A coordinate rounded to hundredths, without trailing zeros (`12`, `12.5`, `-0.25`); a value outside
    /// ±10⁹ (only a bug could make one) is clamped so the text stays a number.
    static func coordinate(_ value: Double) -> String {
        let clamped = value.isNaN ? 0 : min(max(value, -1e9), 1e9)
        let hundredths = Int((clamped * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = hundredths.magnitude
        let whole = magnitude / 100
        let fraction = magnitude % 100
        if fraction == 0 { return "\(sign)\(whole)" }
        let digits = fraction % 10 == 0 ? "\(fraction / 10)" : (fraction < 10 ? "0\(fraction)" : "\(fraction)")
        return "\(sign)\(whole).\(digits)"
    }
}
