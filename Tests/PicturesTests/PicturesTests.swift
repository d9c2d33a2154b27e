import JSONCodec
import LogitMath
import TestSupport
import Testing

@testable import Pictures

@Suite struct PicturesTests {
    /// The seed's logits (README "Try it").
    static let seed = [0.49671415, -0.1382643, 0.64768854, 1.52302986, -0.23415337]

    /// The numbers of a JSON array as the encoder writes them, one string each.
    static func jsonTexts(_ values: [Double]) throws -> [String] {
        let json = String(decoding: try encodeJSON(values), as: UTF8.self)
        return json.dropFirst().dropLast().split(separator: ",").map(String.init)
    }

    /// The checks every picture passes: it parses; `<title>` and `<desc>` are the root's first two
    /// children, both non-empty, and the root names them for screen readers.
    static func checkedDocument(_ bytes: [UInt8]) throws -> XMLTree {
        let root = try #require(XMLTree.parse(bytes), "not well-formed: \(String(decoding: bytes, as: UTF8.self))")
        #expect(root.name == "svg")
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root.attributes["role"] == "img")
        #expect(root.attributes["aria-labelledby"] == "title desc")
        #expect(root.children.count > 2)
        #expect(root.children.first?.name == "title")
        #expect(root.children.dropFirst().first?.name == "desc")
        #expect(root.children.prefix(2).allSatisfy { !$0.text.isEmpty })
        return root
    }

    static func texts(_ root: XMLTree, class className: String) -> [String] {
        root.elements("text", class: className).map(\.text)
    }

    @Test func sigmoidDrawsOneBarAndOneMarkPerInput() throws {
        let p = sigmoid(Self.seed)
        let root = try Self.checkedDocument(Pictures.sigmoid(logits: Self.seed, probabilities: p, derivatives: nil))
        #expect(root.elements("rect", class: "bar").count == 5)
        #expect(root.elements("circle", class: "point").count == 5)
        #expect(root.elements("rect", class: "derivative-point").isEmpty)
        #expect(root.elements("polyline", class: "sigmoid").count == 1)
        #expect(root.elements("polyline", class: "sigmoid-derivative").isEmpty)
        #expect(Self.texts(root, class: "probability") == (try Self.jsonTexts(p)))
        #expect(Self.texts(root, class: "logit") == (try Self.jsonTexts(Self.seed)))
        #expect(Self.texts(root, class: "axis-label").sorted() == ["class", "logit x", "probability", "σ(x)"])
        #expect(root.children[1].text.contains("0.6216868341094665"))
    }

    @Test func sigmoidWithDerivativesMarksThemToo() throws {
        let x = [0.0, 40, -40]
        let (p, d) = (sigmoid(x), sigmoidDerivative(x))
        let root = try Self.checkedDocument(Pictures.sigmoid(logits: x, probabilities: p, derivatives: d))
        #expect(root.elements("circle", class: "point").count == 3)
        #expect(root.elements("rect", class: "derivative-point").count == 3)
        #expect(root.elements("polyline", class: "sigmoid-derivative").count == 1)
        #expect(Self.texts(root, class: "derivative") == (try Self.jsonTexts(d)))
        #expect(Self.texts(root, class: "derivative") == ["0.25", "4.248354255291589e-18", "4.248354255291589e-18"])
        // Each mark sits at its value: the bar's width and the point's height follow the answer.
        let bars = root.elements("rect", class: "bar").map { Double($0.attributes["width"] ?? "") }
        #expect(bars == [140, 280, 0])
    }

    @Test func softmaxPrintsTheAnswersNumbers() throws {
        let p = try softmax(Self.seed, temperature: 2)
        let bytes = Pictures.softmax(logits: Self.seed, probabilities: p, temperature: 2)
        let root = try Self.checkedDocument(bytes)
        #expect(root.elements("rect", class: "bar").count == 5)
        #expect(Self.texts(root, class: "probability") == (try Self.jsonTexts(p)))
        #expect(root.children[0].text == "Softmax of 5 logits at temperature 2.0")
        #expect(root.elements("circle").isEmpty)
    }

    @Test func softmaxClassificationRanksTheTopClasses() throws {
        let p = try softmax(Self.seed)
        let labels = ["cat", "dog", "fox", "owl", "bee"]
        let root = try Self.checkedDocument(
            Pictures.softmaxClassification(probabilities: p, labels: labels, top: [3, 2]))
        #expect(Self.texts(root, class: "name") == labels)
        #expect(Self.texts(root, class: "note") == ["top 2", "top 1"])
        #expect(Self.texts(root, class: "probability") == (try Self.jsonTexts(p)))
        #expect(root.children[0].text == "Classification: class 3 (owl)")
    }

    @Test func sigmoidClassificationDrawsTheThreshold() throws {
        let p = sigmoid(Self.seed)
        let root = try Self.checkedDocument(
            Pictures.sigmoidClassification(
                probabilities: p, predictions: [1, 0, 1, 1, 0], threshold: 0.5, labels: nil))
        let line = try #require(root.elements("line", class: "threshold").first)
        let bar = try #require(root.elements("rect", class: "bar").first)
        // The threshold's line crosses the bars' scale at 0.5 of its 280 pixels.
        #expect(Double(line.attributes["x1"] ?? "") == Double(bar.attributes["x"] ?? "")! + 140)
        #expect(
            Self.texts(root, class: "note") == [
                "predicted 1", "predicted 0", "predicted 1", "predicted 1", "predicted 0",
            ])
        #expect(root.children[1].text.contains("Predicted 1: 0, 2, 3."))
    }

    /// Labels are whatever a client sent: markup, quotes, controls and long names.
    @Test func labelsAreEscapedAndShortened() throws {
        let labels = ["<script>alert(1)</script>", "a & b", "\"q\"", "bell\u{7}", String(repeating: "long", count: 10)]
        let bytes = Pictures.softmaxClassification(
            probabilities: [0.1, 0.2, 0.3, 0.15, 0.25], labels: labels, top: [2])
        let root = try Self.checkedDocument(bytes)
        #expect(!String(decoding: bytes, as: UTF8.self).contains("<script"))
        #expect(root.elements("script").isEmpty)
        #expect(
            Self.texts(root, class: "name") == [
                "<script>alert(1)<…", "a & b", "\"q\"", "bell\u{FFFD}", "longlonglonglongl…",
            ])
        #expect(root.elements("g", class: "row")[0].children[0].text.contains("<script>alert(1)</script>"))
    }

    @Test func isTheSameBytesEveryTime() {
        let p = sigmoid(Self.seed)
        let d = sigmoidDerivative(Self.seed)
        let pictures = (0..<3).map { _ in Pictures.sigmoid(logits: Self.seed, probabilities: p, derivatives: d) }
        #expect(pictures.allSatisfy { $0 == pictures[0] })
    }

    @Test func extremeInputsStillDrawAFiniteWellFormedPicture() throws {
        let x = [-1.7976931348623157e308, 0, 1.7976931348623157e308, .leastNonzeroMagnitude]
        let bytes = Pictures.sigmoid(
            logits: x, probabilities: sigmoid(x), derivatives: sigmoidDerivative(x))
        let root = try Self.checkedDocument(bytes)
        #expect(root.elements("circle", class: "point").count == 4)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("nan") && !text.contains("inf"))
    }
}
