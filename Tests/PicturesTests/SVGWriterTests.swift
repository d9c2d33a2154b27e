import TestSupport
import Testing

@testable import Pictures

@Suite struct SVGWriterTests {
    @Test(arguments: [
        ("plain", "plain"), ("a<b>&c", "a&lt;b&gt;&amp;c"),
        ("\"quoted\" 'single'", "&quot;quoted&quot; &apos;single&apos;"),
        ("tab\tline\ncr\r", "tab&#9;line&#10;cr&#13;"), ("bell\u{7}nul\u{0}", "bell\u{FFFD}nul\u{FFFD}"),
        ("\u{FFFE}\u{FFFF}", "\u{FFFD}\u{FFFD}"), ("σ′ 🐈 ünï", "σ′ 🐈 ünï"), ("]]>", "]]&gt;"),
    ])
    func escapesTextForXML(text: String, escaped: String) {
        #expect(SVGWriter.escaped(text) == escaped)
    }

    /// Every scalar below U+0080 and the two non-characters, inside text and an attribute: the document
    /// still parses, and what was allowed reads back unchanged.
    @Test func anyTextMakesAWellFormedDocument() throws {
        let text = String(String.UnicodeScalarView((0..<0x80).compactMap(Unicode.Scalar.init))) + "\u{FFFE}\u{FFFF}"
        var svg = SVGWriter()
        svg.open("svg", ["xmlns": "http://www.w3.org/2000/svg", "data-text": .text(text)])
        svg.element("text", text: text)
        svg.close()
        let root = try #require(XMLTree.parse(svg.bytes))
        let allowed = { (s: Unicode.Scalar) in
            (s.value >= 0x20 || "\t\n\r".unicodeScalars.contains(s)) && s.value < 0xFFFE
        }
        let expected = String(String.UnicodeScalarView(text.unicodeScalars.map { allowed($0) ? $0 : "\u{FFFD}" }))
        #expect(root.children.first?.text == expected)
        #expect(root.attributes["data-text"] == expected)
    }

    @Test(arguments: [
        (0.0, "0"), (12.0, "12"), (12.5, "12.5"), (12.25, "12.25"), (12.254, "12.25"), (12.256, "12.26"),
        (-0.25, "-0.25"), (-0.001, "0"), (0.05, "0.05"), (1e12, "1000000000"), (-.infinity, "-1000000000"),
        (.nan, "0"),
    ])
    func writesCoordinatesToHundredths(value: Double, text: String) {
        #expect(SVGWriter.coordinate(value) == text)
    }

    @Test func closesElementsInTheOrderOpened() {
        var svg = SVGWriter()
        svg.open("svg")
        svg.open("g", ["x": 1.5])
        svg.leaf("rect", ["width": 2])
        svg.close()
        svg.element("text", text: "a")
        svg.close()
        #expect(
            String(decoding: svg.bytes, as: UTF8.self) == #"<svg><g x="1.5"><rect width="2"/></g><text>a</text></svg>"#)
    }
}
