import Foundation
import HTTPServer
import HTTPTypes
import TestSupport
import Testing

/// `/sigmoid`, `/softmax` and `/classify` answer with a picture when `Accept` prefers SVG (API.md
/// "Pictures and the playground"), drawn from the same numbers as their JSON answer.
@Suite struct PictureRoutesTests {
    let client = ServiceClient()
    static let svg: Headers = ["Accept": "image/svg+xml"]

    /// The numbers of the flat array `key` in a JSON answer's text, as the server wrote them.
    static func numberTexts(_ json: String, _ key: String) -> [String] {
        guard let start = json.range(of: "\"\(key)\":[") else { return [] }
        let rest = json[start.upperBound...]
        return rest[..<rest.firstIndex(of: "]")!].split(separator: ",").map(String.init)
    }

    static func texts(_ root: XMLTree, _ className: String) -> [String] {
        root.elements("text", class: className).map(\.text)
    }

    /// Each request, asked for as JSON and as SVG: the picture parses, has one bar per class, and
    /// prints the JSON answer's numbers character for character.
    @Test(arguments: [
        ("/sigmoid", #"{"logits": \#(seedJSON), "derivative": true}"#),
        ("/sigmoid", "[0, 40, -40, 1e-300]"),
        ("/softmax", #"{"logits": \#(seedJSON), "temperature": 2}"#),
        ("/softmax", "[1000, 1001]"),
        ("/classify", #"{"logits": \#(seedJSON), "labels": ["cat", "dog", "fox", "owl", "bee"], "top_k": 2}"#),
        ("/classify", #"{"logits": \#(seedJSON), "activation": "sigmoid", "threshold": 0.6}"#),
        ("/classify", #"{"weights": [[1, 2], [3, 4], [5, 6]], "bias": [0.5, 0, -1], "input": [0.25, -1]}"#),
    ])
    func pictureShowsTheJSONAnswersNumbers(path: String, body: String) throws {
        let json = client.post(path, body)
        let picture = client.post(path, body, headers: Self.svg)
        #expect(json.status == 200 && picture.status == 200, "\(json.text) \(picture.text)")
        #expect(json.contentType == "application/json")
        #expect(picture.contentType == "image/svg+xml")
        #expect(picture.headers[.contentSecurityPolicy] == "default-src 'none'")
        let root = try #require(XMLTree.parse(picture.body))
        #expect(root.children.prefix(2).map(\.name) == ["title", "desc"])
        let probabilities = Self.numberTexts(json.text, "probabilities")
        #expect(!probabilities.isEmpty)
        #expect(Self.texts(root, "probability") == probabilities)
        #expect(root.elements("rect", class: "bar").count == probabilities.count)
        #expect(Self.texts(root, "derivative") == Self.numberTexts(json.text, "derivatives"))
        if path == "/sigmoid" {
            #expect(root.elements("circle", class: "point").count == probabilities.count)
        }
    }

    @Test func topClassesAndPredictionsAreMarkedAsClassifySays() throws {
        let top = client.post("/classify", #"{"logits": \#(seedJSON), "top_k": 3}"#, headers: Self.svg)
        let root = try #require(XMLTree.parse(top.body))
        // Classes 3, 2, 0 are the seed's three most probable.
        #expect(
            root.elements("g", class: "row").map { $0.elements("text", class: "note").first?.text } == [
                "top 3", nil, "top 2", "top 1", nil,
            ])
        let yes = client.post(
            "/classify", #"{"logits": \#(seedJSON), "activation": "sigmoid", "threshold": 0.64}"#, headers: Self.svg)
        let notes = try #require(XMLTree.parse(yes.body)).elements("text", class: "note").map(\.text)
        #expect(notes == ["predicted 0", "predicted 0", "predicted 1", "predicted 1", "predicted 0"])
    }

    /// `Accept` → the answer's type (406 when neither), through the routes; every answer of the
    /// three varies by `Accept`, whatever its status.
    @Test(
        arguments: [
            (nil, 200, "application/json"), ("*/*", 200, "application/json"), ("image/svg+xml", 200, "image/svg+xml"),
            ("image/*", 200, "image/svg+xml"), ("image/svg+xml, application/json", 200, "application/json"),
            ("application/json;q=0.5, image/svg+xml;q=0.6", 200, "image/svg+xml"),
            ("text/html", 406, "application/problem+json"), ("application/json;q=0", 406, "application/problem+json"),
        ] as [(String?, Int, String)])
    func acceptChoosesTheAnswer(accept: String?, status: Int, type: String) {
        for path in ["/sigmoid", "/softmax", "/classify"] {
            let answer = client.post(path, seedJSON, headers: accept.map { ["Accept": $0] } ?? [:])
            #expect(answer.status == status, "\(path): \(answer.text)")
            #expect(answer.contentType == type, "\(path)")
            #expect(answer.headers[values: .vary] == ["Accept"], "\(path)")
        }
    }

    @Test func notAcceptableNamesWhatWasAsked() {
        let answer = client.post("/softmax", seedJSON, headers: ["Accept": "text/html", "accept": "image/png"])
        #expect(answer.status == 406)
        #expect(answer.detail == "Accept: text/html, image/png allows neither application/json nor image/svg+xml")
    }

    @Test(arguments: [
        ("/sigmoid", "[[1, 2], [3, 4]]", "logits: a picture shows one vector, this is a batch of 2 rows"),
        ("/softmax", #"{"logits": [[1, 2, 3]]}"#, "logits: a picture shows one vector, this is a batch of 1 rows"),
        ("/classify", "[[1, 2], [3, 4], [5, 6]]", "logits: a picture shows one vector, this is a batch of 3 rows"),
        (
            "/classify", #"{"weights": [[1, 2]], "input": [[1, 2], [3, 4]], "activation": "sigmoid"}"#,
            "input: a picture shows one vector, this is a batch of 2 rows"
        ),
    ])
    func batchAskedAsPictureIs422NamingIt(path: String, body: String, detail: String) {
        let answer = client.post(path, body, headers: Self.svg)
        #expect(answer.status == 422)
        #expect(answer.contentType == "application/problem+json")
        #expect(answer.detail == detail + "; ask for application/json")
        #expect(answer.headers[.vary] == "Accept")
        // The same batch as JSON is fine.
        #expect(client.post(path, body).status == 200)
    }

    @Test func errorsStayProblemJSONWhenAPictureWasAsked() {
        let bad = client.post("/softmax", #"{"logits": [1, "2"]}"#, headers: Self.svg)
        #expect(bad.status == 422)
        #expect(bad.contentType == "application/problem+json")
        #expect(bad.detail == "logits[1]: expected a number, found a string")
        let notJSON = client.post("/sigmoid", "[1,", headers: Self.svg)
        #expect(notJSON.status == 400)
        #expect(notJSON.contentType == "application/problem+json")
    }

    @Test func largeBodiesAreDrawnToo() throws {
        // Over the inline limit: decoded, computed and drawn on the pool, with the same headers.
        let logits = (0..<8000).map { String(Double($0) / 1000) }.joined(separator: ",")
        let answer = client.post("/softmax", "[\(logits)]", headers: Self.svg)
        #expect(answer.status == 200)
        #expect(answer.headers[.vary] == "Accept")
        let root = try #require(XMLTree.parse(answer.body))
        #expect(root.elements("rect", class: "bar").count == 8000)
    }

    /// A served model's labels and threshold are the picture's, unless the request overrides them.
    @Test func modelsLabelsAndThresholdAreDrawn() throws {
        let client = ServiceClient(models: ModelEndpointsTests.models)
        let pets = client.post("/classify", #"{"model": "pets", "input": [1, 2]}"#, headers: Self.svg)
        #expect(pets.status == 200, "\(pets.text)")
        let root = try #require(XMLTree.parse(pets.body))
        #expect(Self.texts(root, "name") == ["cat", "dog", "fox"])
        let tags = client.post("/classify", #"{"model": "tags", "input": [0.5, 1.5]}"#, headers: Self.svg)
        let line = try #require(XMLTree.parse(tags.body)).elements("line", class: "threshold")
        #expect(line.count == 1)
        #expect(tags.text.contains("threshold 0.7"))
        let overridden = client.post(
            "/classify", #"{"model": "tags", "input": [0.5, 1.5], "threshold": 0.2}"#, headers: Self.svg)
        #expect(overridden.text.contains("threshold 0.2"))
        let batch = client.post("/classify", #"{"model": "pets", "input": [[1, 2], [3, 4]]}"#, headers: Self.svg)
        #expect(batch.status == 422)
        #expect(batch.detail.hasPrefix("input: a picture shows one vector"))
    }

    @Test func linearHasNoPicture() {
        let answer = client.post(
            "/linear", #"{"weights": [[1, 2]], "input": [1, 2]}"#, headers: ["Accept": "image/svg+xml"])
        #expect(answer.status == 200)
        #expect(answer.contentType == "application/json")
        #expect(answer.headers[.vary] == nil)
    }
}
