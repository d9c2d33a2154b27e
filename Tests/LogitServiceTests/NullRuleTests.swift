import Testing

/// The null rule (openapi.yaml, docs): JSON `null` for an optional field means the same as the field
/// being absent, for every optional field of every endpoint; `null` for a required field is a 422
/// that names it.
@Suite struct NullRuleTests {
    let client = ServiceClient()

    struct Optional: CustomTestStringConvertible, Sendable {
        var path: String
        var field: String
        /// A body without the field, to which `, "field": null` is added.
        var without: String
        var testDescription: String { "\(path) \(field): null" }
    }

    static let optionals: [Optional] = [
        Optional(path: "/sigmoid", field: "derivative", without: #"{"logits": [1, 2]"#),
        Optional(path: "/softmax", field: "temperature", without: #"{"logits": [1, 2]"#),
        Optional(path: "/softmax", field: "log", without: #"{"logits": [1, 2]"#),
        Optional(path: "/linear", field: "bias", without: #"{"weights": [[1, 2]], "input": [1, 2]"#),
        Optional(path: "/linear", field: "activation", without: #"{"weights": [[1, 2]], "input": [1, 2]"#),
        Optional(path: "/classify", field: "activation", without: #"{"logits": [1, 2]"#),
        Optional(path: "/classify", field: "threshold", without: #"{"logits": [1, 2], "activation": "sigmoid""#),
        Optional(path: "/classify", field: "labels", without: #"{"logits": [1, 2]"#),
        Optional(path: "/classify", field: "top_k", without: #"{"logits": [1, 2]"#),
        Optional(path: "/classify", field: "bias", without: #"{"weights": [[1, 2]], "input": [1, 2]"#),
        // The other source of scores, given as null beside the one used.
        Optional(path: "/classify", field: "logits", without: #"{"weights": [[1, 2]], "input": [1, 2]"#),
        Optional(path: "/classify", field: "weights", without: #"{"logits": [1, 2]"#),
        Optional(path: "/classify", field: "input", without: #"{"logits": [1, 2]"#),
    ]

    @Test(arguments: optionals) func nullForAnOptionalFieldIsTheFieldAbsent(_ c: Optional) {
        let absent = client.post(c.path, c.without + "}")
        let null = client.post(c.path, c.without + #", "\#(c.field)": null}"#)
        #expect(absent.status == 200)
        #expect(null.status == absent.status)
        #expect(null.text == absent.text)
    }

    @Test(arguments: [
        ("/sigmoid", "logits", #"{"logits": null}"#),
        ("/softmax", "logits", #"{"logits": null, "log": true}"#),
        ("/linear", "weights", #"{"weights": null, "input": [1]}"#),
        ("/linear", "input", #"{"weights": [[1]], "input": null}"#),
        ("/classify", "logits", #"{"logits": null}"#),
    ])
    func nullForARequiredFieldIs422NamingIt(path: String, field: String, body: String) {
        let a = client.post(path, body)
        #expect(a.status == 422)
        #expect(a.detail.hasPrefix(field), "detail was: \(a.detail)")
    }
}
