import HTTPServer
import HTTPTypes
import Testing

/// Every error row of API.md, in-process: the status, the problem+json shape, and a detail that
/// names the field (and index path) the caller must fix.
@Suite struct ErrorsTests {
    let client = ServiceClient()

    struct Case: CustomTestStringConvertible, Sendable {
        var path: String
        var body: String
        var status: Int
        var detail: String
        var contentType: String? = "application/json"
        var testDescription: String { "\(path) \(body.prefix(40)) → \(status)" }
    }

    static let cases: [Case] = [
        // 400: not JSON.
        Case(path: "/softmax", body: "{\"logits\": [1, 2", status: 400, detail: "not valid JSON"),
        Case(path: "/softmax", body: "", status: 400, detail: "body is empty"),
        Case(path: "/sigmoid", body: "logits=1,2", status: 400, detail: "not valid JSON"),
        Case(path: "/softmax", body: "[NaN]", status: 400, detail: "not valid JSON"),
        // 422: missing and unknown fields.
        Case(path: "/softmax", body: "{}", status: 422, detail: "logits"),
        Case(
            path: "/softmax", body: #"{"logits": [1], "temprature": 2}"#, status: 422,
            detail: "temprature: unknown field"),
        Case(
            path: "/linear", body: #"{"weights": [[1]], "input": [1], "extra": 1}"#, status: 422,
            detail: "extra: unknown field"),
        // 422: wrong types, with the index path.
        Case(
            path: "/softmax", body: #"{"logits": [[1, 2, 3], [4, 5, "6"]]}"#, status: 422,
            detail: "logits[1][2]: expected a number, found a string"),
        Case(
            path: "/sigmoid", body: #"{"logits": [1, true]}"#, status: 422,
            detail: "logits[1]: expected a number, found a boolean"),
        Case(path: "/sigmoid", body: #"{"logits": "1, 2"}"#, status: 422, detail: "logits"),
        Case(path: "/sigmoid", body: #"{"logits": [1], "derivative": "yes"}"#, status: 422, detail: "derivative"),
        Case(
            path: "/softmax", body: #""hello""#, status: 422,
            detail: "must be a JSON object or an array, found a string"),
        // 422: empty arrays and ragged rows.
        Case(path: "/softmax", body: #"{"logits": []}"#, status: 422, detail: "logits: must not be empty"),
        Case(path: "/softmax", body: "[[]]", status: 422, detail: "logits[0]: must not be empty"),
        Case(
            path: "/sigmoid", body: "[[1, 2], [3]]", status: 422, detail: "logits[1] has 1 elements but logits[0] has 2"
        ),
        // 422: numbers that do not fit a Double are refused, never turned into infinity.
        Case(path: "/sigmoid", body: "[1, 1e400]", status: 422, detail: "logits[1]"),
        Case(path: "/softmax", body: #"{"logits": [1], "temperature": -1e400}"#, status: 422, detail: "temperature"),
        // 422: temperature out of range.
        Case(
            path: "/softmax", body: #"{"logits": [1], "temperature": 0}"#, status: 422,
            detail: "temperature: must be a finite number greater than 0"),
        Case(path: "/softmax", body: #"{"logits": [1], "temperature": -2}"#, status: 422, detail: "temperature"),
        // 422: shapes of a linear layer.
        Case(
            path: "/linear", body: #"{"weights": [[1, 2, 3, 4, 5]], "input": [1, 2, 3, 4]}"#, status: 422,
            detail: "input has 4 elements but weights has 5 columns"),
        Case(
            path: "/linear", body: #"{"weights": [[1, 2]], "input": [[1, 2], [3, 4, 5]]}"#, status: 422,
            detail: "input[1] has 3 elements but input[0] has 2"),
        Case(
            path: "/linear", body: #"{"weights": [[1, 2], [3, 4]], "bias": [1], "input": [1, 2]}"#, status: 422,
            detail: "bias has 1 elements but weights has 2 rows"),
        Case(
            path: "/linear", body: #"{"weights": [[1, 2], [3]], "input": [1, 2]}"#, status: 422,
            detail: "weights[1] has 1 elements but weights[0] has 2"),
        Case(
            path: "/linear", body: #"{"weights": [[1]], "input": [1], "activation": "relu"}"#, status: 422,
            detail: "activation"),
        Case(path: "/linear", body: #"{"input": [1]}"#, status: 422, detail: "weights"),
        // 422: a non-finite result names its place.
        Case(
            path: "/linear", body: #"{"weights": [[1e308, 1e308]], "input": [10, 10]}"#, status: 422,
            detail: "logits[0]"),
        // 422: classify's options.
        Case(
            path: "/classify", body: #"{"logits": [1, 2], "top_k": 3}"#, status: 422,
            detail: "top_k: must be between 1 and 2"),
        Case(path: "/classify", body: #"{"logits": [1, 2], "top_k": 0}"#, status: 422, detail: "top_k"),
        Case(path: "/classify", body: #"{"logits": [1, 2], "top_k": 1.5}"#, status: 422, detail: "top_k"),
        Case(
            path: "/classify", body: #"{"logits": [1, 2], "activation": "sigmoid", "threshold": 1}"#, status: 422,
            detail: "threshold: must be between 0 and 1"),
        Case(
            path: "/classify", body: #"{"logits": [1, 2], "threshold": 0.3}"#, status: 422,
            detail: "threshold: applies only"),
        Case(
            path: "/classify", body: #"{"logits": [1, 2], "activation": "sigmoid", "top_k": 1}"#, status: 422,
            detail: "top_k: applies only"),
        Case(
            path: "/classify", body: #"{"logits": [1, 2], "labels": ["a"]}"#, status: 422,
            detail: "labels has 1 names but there are 2 classes"),
        Case(
            path: "/classify", body: #"{"logits": [1, 2], "weights": [[1]], "input": [1]}"#, status: 422,
            detail: "not both"),
        Case(path: "/classify", body: #"{"activation": "softmax"}"#, status: 422, detail: "logits: missing field"),
        Case(path: "/classify", body: #"{"logits": [1, 2], "activation": "none"}"#, status: 422, detail: "activation"),
        // 415: types that cannot carry JSON.
        Case(path: "/softmax", body: "[1, 2]", status: 415, detail: "text/csv", contentType: "text/csv"),
        Case(
            path: "/softmax", body: "[1, 2]", status: 415, detail: "multipart/form-data",
            contentType: "multipart/form-data; boundary=x"),
    ]

    /// A layer whose answer would outgrow any request: `k` input rows and `m` weight rows of one
    /// column each, so the request is small and the answer `k × m` numbers.
    static func oneColumnLayer(inputRows k: Int, weightRows m: Int) -> String {
        let weights = "[" + Array(repeating: "[1]", count: m).joined(separator: ",") + "]"
        let input = "[" + Array(repeating: "[0.5]", count: k).joined(separator: ",") + "]"
        return #"{"weights": \#(weights), "input": \#(input)}"#
    }

    @Test(arguments: ["/linear", "/classify"])
    func layersWhoseAnswerWouldBeTooLargeAre422(_ path: String) {
        let body = Self.oneColumnLayer(inputRows: 2049, weightRows: 2049)  // 4 198 401 > 2^22
        let a = client.call(.post, path, body)
        #expect(a.status == 422)
        #expect(
            a.detail == "input and weights: the result would have 4198401 numbers (2049 × 2049); at most 4194304",
            "detail was: \(a.detail)")
        // The same weights with a small batch are answered.
        #expect(client.call(.post, path, Self.oneColumnLayer(inputRows: 2, weightRows: 2049)).status == 200)
    }

    /// top_k > 1 lists k entries per row, each ~90 bytes of JSON: 4 194 top-1000 rows were a 29 KB request, a
    /// 384 MB answer and 1.8 GB of memory. Bounded (docs/configuration.md, "Memory per request").
    @Test func topKListsOfTooManyEntriesAre422() {
        let row = "[" + Array(repeating: "0", count: 1000).joined(separator: ",") + "]"
        func body(rows k: Int, topK: Int) -> String {
            #"{"logits": ["# + Array(repeating: row, count: k).joined(separator: ",") + #"], "top_k": \#(topK)}"#
        }
        let a = client.call(.post, "/classify", body(rows: 263, topK: 1000))
        #expect(a.status == 422)
        #expect(a.detail == "top_k: 1000 classes for each of 263 rows is 263000 entries; at most 262144", "\(a.detail)")
        let layer = Self.oneColumnLayer(inputRows: 263, weightRows: 1000).dropLast() + #", "top_k": 1000}"#
        #expect(client.call(.post, "/classify", String(layer)).detail.hasPrefix("top_k: 1000 classes for each of 263"))
        #expect(client.call(.post, "/classify", body(rows: 263, topK: 1)).status == 200)
        // Every row is an entry: 262 145 rows of one logit (a 1 MB request) are too many.
        let rows = #"{"logits": ["# + Array(repeating: "[0]", count: 262_145).joined(separator: ",") + "]}"
        #expect(
            client.call(.post, "/classify", rows).detail
                == "logits: 262145 rows; /classify answers at most 262144 rows × top_k")
        // A bare array means {"logits": [...]}, limit included (it was answered: 300 000 rows, a 1.2 MB
        // request, made a 27 MB answer).
        let bare = "[" + Array(repeating: "[0]", count: 262_145).joined(separator: ",") + "]"
        let bareAnswer = client.call(.post, "/classify", bare)
        #expect(bareAnswer.status == 422)
        #expect(bareAnswer.detail == "logits: 262145 rows; /classify answers at most 262144 rows × top_k")
        #expect(client.call(.post, "/classify", body(rows: 2, topK: 1000)).status == 200)
    }

    @Test(arguments: cases) func answersWithAProblem(_ c: Case) {
        let a = client.call(.post, c.path, c.body, contentType: c.contentType)
        #expect(a.status == c.status)
        #expect(a.contentType == "application/problem+json")
        #expect(a.json["type"] as? String == "about:blank")
        #expect(a.json["status"] as? Int == c.status)
        #expect(a.json["title"] as? String == HTTPResponse.Status(code: c.status).statusLinePhrase)
        #expect(a.detail.contains(c.detail), "detail was: \(a.detail)")
    }

    @Test(arguments: [
        nil, "application/json", "application/json; charset=utf-8", "application/problem+json",
        "application/vnd.example+json", "", "text/plain", "application/x-www-form-urlencoded", "*/*",
        "Application/JSON",
    ])
    func readsTheseContentTypesAsJSON(_ type: String?) {
        #expect(client.call(.post, "/softmax", "[1, 2]", contentType: type).status == 200)
    }

    @Test func unknownPathIs404() {
        let a = client.call(.get, "/nope")
        #expect(a.status == 404)
        #expect(a.contentType == "application/problem+json")
    }

    @Test func wrongMethodIs405WithAllow() {
        let a = client.call(.get, "/softmax")
        #expect(a.status == 405)
        #expect(a.headers[.allow]?.contains("POST") == true)
        let b = client.call(.post, "/healthz", "{}")
        #expect(b.status == 405)
        #expect(b.headers[.allow]?.contains("GET") == true)
    }

    @Test func optionsAnswers204WithAllow() {
        let a = client.call(.options, "/classify", contentType: nil)
        #expect(a.status == 204)
        #expect(a.headers[.allow]?.contains("POST") == true)
    }
}

/// Issue 14: a matrix is an array of rows, so a flat `weights` is refused, naming it.
@Test(arguments: ["/linear", "/classify"]) func flatWeightsAre422NamingWeights(_ path: String) {
    let a = ServiceClient().post(path, #"{"weights": [1.0, 2.0], "input": [1.0, 2.0]}"#)
    #expect(a.status == 422)
    #expect(a.detail.hasPrefix("weights: must be a matrix"), "detail was: \(a.detail)")
}
