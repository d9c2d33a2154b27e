import Foundation
import HTTPServer
import HTTPTypes
import LogitMath
import LogitModels
import TestSupport
import Testing

@testable import LogitService

/// /models, and `"model"` in /linear and /classify (API.md "Served models"), in-process.
@Suite struct ModelEndpointsTests {
    /// "pets": softmax over 3 classes with labels, in versions 1 and 2 (2 doubles the weights);
    /// "cancer": binary; "raw": activation none; "tags": sigmoid with threshold 0.7.
    static let models: ModelSet = {
        func model(
            _ name: String, _ version: Int, _ weights: [[Double]], _ activation: ModelActivation,
            labels: [String]? = nil, threshold: Double = 0.5
        ) -> Model {
            Model(
                name: name, version: version, format: .logitd, weights: try! Matrix(rows: weights),
                bias: [Double](repeating: 0.5, count: weights.count), activation: activation, labels: labels,
                threshold: threshold, file: "\(name).json")
        }
        return try! ModelSet([
            model("pets", 1, [[1, 2], [-1, 0.5], [0, 0.25]], .softmax, labels: ["cat", "dog", "fox"]),
            model("pets", 2, [[2, 4], [-2, 1], [0, 0.5]], .softmax, labels: ["cat", "dog", "fox"]),
            model("cancer", 1, [[2, -1]], .binary, labels: ["benign", "malignant"]),
            model("raw", 1, [[1, 0], [0, 1]], .none),
            model("tags", 1, [[1, 0], [0, 1], [1, 1]], .sigmoid, labels: ["a", "b", "c"], threshold: 0.7),
        ])
    }()

    let client = ServiceClient(models: ModelEndpointsTests.models)

    @Test func topKListsOfTooManyEntriesAre422() {
        let wide = Model(
            name: "wide", version: 1, format: .logitd,
            weights: try! Matrix(rows: 1000, columns: 1, elements: [Double](repeating: 1, count: 1000)),
            bias: [Double](repeating: 0, count: 1000), activation: .softmax, file: "wide.json")
        let client = ServiceClient(models: try! ModelSet([wide]))
        let input = "[" + Array(repeating: "[0.5]", count: 263).joined(separator: ",") + "]"
        let a = client.call(.post, "/classify", #"{"model": "wide", "input": \#(input), "top_k": 1000}"#)
        #expect(a.status == 422)
        #expect(a.detail == "top_k: 1000 classes for each of 263 rows is 263000 entries; at most 262144", "\(a.detail)")
        #expect(client.call(.post, "/classify", #"{"model": "wide", "input": \#(input), "top_k": 2}"#).status == 200)
    }

    @Test func listsEveryNameAndVersion() throws {
        let a = client.call(.get, "/models")
        #expect(a.status == 200 && a.contentType == "application/json")
        let models = try #require(a.json["models"] as? [[String: Any]])
        #expect(
            models.map { "\($0["name"]!)/\($0["version"]!)" } == ["cancer/1", "pets/1", "pets/2", "raw/1", "tags/1"])
        #expect(models[0]["activation"] as? String == "binary" && models[0]["outputs"] as? Int == 1)
        #expect(models[0]["labels"] as? [String] == ["benign", "malignant"])
        #expect(
            models[3]["labels"] == nil && models[3]["inputs"] as? Int == 2 && models[3]["format"] as? String == "logitd"
        )
    }

    @Test func showsTheLatestVersionOfAName() {
        let a = client.call(.get, "/models/pets")
        #expect(a.status == 200)
        #expect(a.json["version"] as? String == "2" && a.json["outputs"] as? Int == 3)
    }

    @Test func anUnknownNameIsAProblem404() {
        let a = client.call(.get, "/models/dogs")
        #expect(a.status == 404 && a.contentType == "application/problem+json")
        #expect(a.detail == #"model: no model named "dogs""#)
    }

    /// The logits are the model's W·x + b, in the input's shape; the model's activation (softmax) is the default.
    @Test func linearWithAModelAnswersItsLogitsAndProbabilities() throws {
        let model = try Self.models.model("pets")
        let vector = client.post("/linear", #"{"model": "pets", "input": [1, 2]}"#)
        #expect(vector.status == 200)
        let expected = try model.apply(Matrix(rows: [[1, 2]]))
        #expect(doubles(vector.json["logits"]) == Array(expected.logits.row(0)))
        #expect(doubles(vector.json["probabilities"]) == Array(expected.probabilities!.row(0)))
        let batch = client.post("/linear", #"{"model": "pets", "version": "1", "input": [[1, 2], [0, 0]]}"#)
        #expect(batch.status == 200)
        #expect(rows(batch.json["logits"]) == [[5.5, 0.5, 1], [0.5, 0.5, 0.5]])
        let none = client.post("/linear", #"{"model": "pets", "input": [1, 2], "activation": "none"}"#)
        #expect(none.json["probabilities"] == nil)
    }

    /// A binary model's logits are its one score z; its probabilities [σ(−z), σ(z)], each computed directly.
    @Test func binaryModelsAnswerOneScoreAndTwoProbabilities() {
        let a = client.post("/linear", #"{"model": "cancer", "input": [20, 0.5]}"#)  // z = 40
        #expect(a.status == 200)
        #expect(doubles(a.json["logits"]) == [40])
        #expect(doubles(a.json["probabilities"]) == [4.248354255291589e-18, 1])
        let c = client.post("/classify", #"{"model": "cancer", "input": [[20, 0.5], [-1, 0]], "top_k": 2}"#)
        #expect(c.status == 200)
        let results = c.json["results"] as? [[String: Any]] ?? []
        #expect(results.map { $0["label"] as? String } == ["malignant", "benign"])
        #expect(results.map { $0["class"] as? Int } == [1, 0])
        #expect((results.first?["top"] as? [Any])?.count == 2)
    }

    @Test func classifyUsesTheModelsLabelsUnlessTheRequestGivesSome() {
        let a = client.post("/classify", #"{"model": "pets", "input": [1, 2], "top_k": 2}"#)
        #expect(a.status == 200)
        #expect(a.json["label"] as? String == "cat" && a.json["class"] as? Int == 0)
        #expect((a.json["top"] as? [[String: Any]])?.map { $0["label"] as? String } == ["cat", "fox"])
        let b = client.post("/classify", #"{"model": "pets", "input": [1, 2], "labels": ["x", "y", "z"]}"#)
        #expect(b.json["label"] as? String == "x")
    }

    /// A sigmoid model's threshold is the default; a request's threshold overrides it.
    @Test func classifyUsesTheModelsThreshold() {
        // Logits [1.5, 0.5 + 0.5, …]: σ = 0.82, 0.73, 0.92 for input [1, 0.5].
        let a = client.post("/classify", #"{"model": "tags", "input": [1, 0.5]}"#)
        #expect(a.status == 200)
        #expect(a.json["predictions"] as? [Int] == [1, 1, 1])
        let b = client.post("/classify", #"{"model": "tags", "input": [1, -0.3]}"#)
        // σ(1.5) = 0.82, σ(0.2) = 0.55, σ(1.2) = 0.77: over 0.7 are the first and the third.
        #expect(b.json["predictions"] as? [Int] == [1, 0, 1] && b.json["labels"] as? [String] == ["a", "c"])
        let c = client.post("/classify", #"{"model": "tags", "input": [1, -0.3], "threshold": 0.5}"#)
        #expect(c.json["predictions"] as? [Int] == [1, 1, 1])
    }

    @Test func aNoneModelClassifiesBySoftmaxAndASoftmaxModelMayBeAskedForSigmoid() {
        let a = client.post("/classify", #"{"model": "raw", "input": [3, 1]}"#)
        #expect(a.status == 200 && a.json["class"] as? Int == 0 && a.json["top"] != nil)
        let b = client.post("/classify", #"{"model": "pets", "input": [1, 2], "activation": "sigmoid"}"#)
        #expect(b.status == 200 && b.json["predictions"] as? [Int] == [1, 1, 1])
    }

    @Test(arguments: [
        (#"{"model": "dogs", "input": [1, 2]}"#, 404, #"model: no model named "dogs""#),
        (
            #"{"model": "pets", "version": "7", "input": [1, 2]}"#, 404,
            #"version: model "pets" has no version 7 (versions: 1, 2)"#
        ),
        (
            #"{"model": "pets", "version": "01", "input": [1, 2]}"#, 422,
            #"version: must be a positive integer such as "2", got "01""#
        ),
        (#"{"model": "pets", "input": [1, 2, 3]}"#, 422, #"input has 3 elements but model "pets" takes 2"#),
        (#"{"model": "pets", "input": [[1, 2, 3]]}"#, 422, #"input rows have 3 elements but model "pets" takes 2"#),
        (
            #"{"model": "pets", "weights": [[1, 2]], "input": [1, 2]}"#, 422,
            "model: give either model or weights and bias, not both (found weights)"
        ),
        (
            #"{"model": "pets", "bias": [1], "input": [1, 2]}"#, 422,
            "model: give either model or weights and bias, not both (found bias)"
        ),
        (#"{"version": "1", "weights": [[1, 2]], "input": [1, 2]}"#, 422, "version: applies only with model"),
        (
            #"{"model": "cancer", "input": [1, 2], "activation": "softmax"}"#, 422,
            #"activation: model "cancer" is binary (one score z, probabilities [σ(−z), σ(z)]); its activation cannot be changed"#
        ),
    ])
    func linearRefusesWithTheRightStatus(_ body: String, _ status: Int, _ detail: String) {
        let a = client.post("/linear", body)
        #expect(a.status == status && a.detail == detail)
        #expect(a.contentType == "application/problem+json")
    }

    @Test(arguments: [
        (#"{"model": "pets", "input": [1, 2], "threshold": 0.3}"#, #"threshold: applies only to activation "sigmoid""#),
        (#"{"model": "tags", "input": [1, 2], "top_k": 2}"#, #"top_k: applies only to activation "softmax""#),
        (
            #"{"model": "pets", "input": [1, 2], "top_k": 4}"#,
            "top_k: must be between 1 and 3 (the number of classes), got 4"
        ),
        (
            #"{"model": "cancer", "input": [1, 2], "top_k": 3}"#,
            "top_k: must be between 1 and 2 (the number of classes), got 3"
        ),
        (#"{"model": "pets", "input": [1, 2], "labels": ["a"]}"#, "labels has 1 names but there are 3 classes"),
        (
            #"{"model": "pets", "logits": [1, 2]}"#,
            "logits: give either logits or input with weights or a model, not both (found model)"
        ),
        (
            #"{"model": "cancer", "input": [1, 2], "activation": "sigmoid"}"#,
            #"activation: model "cancer" is binary (one score z, probabilities [σ(−z), σ(z)]); its activation cannot be changed"#
        ),
    ])
    func classifyRefusesOptionsThatDoNotFitTheModel(_ body: String, _ detail: String) {
        let a = client.post("/classify", body)
        #expect(a.status == 422 && a.detail == detail)
    }

    /// Each answered request is counted under its model and version, with its inference time.
    @Test func countsRequestsPerModel() {
        _ = client.post("/classify", #"{"model": "pets", "input": [1, 2]}"#)
        _ = client.post("/linear", #"{"model": "pets", "version": "1", "input": [[1, 2], [3, 4]]}"#)
        _ = client.post("/linear", #"{"model": "pets", "input": [1, 2]}"#)
        _ = client.post("/linear", #"{"model": "dogs", "input": [1, 2]}"#)
        let text = client.call(.get, "/metrics").text
        #expect(text.contains(#"logitd_model_requests_total{model="pets",version="2"} 2"#))
        #expect(text.contains(#"logitd_model_requests_total{model="pets",version="1"} 1"#))
        #expect(text.contains(#"logitd_model_inference_seconds_count{model="pets",version="2"} 2"#))
        #expect(!text.contains(#"model="dogs""#))
        #expect(text.contains(#"logitd_model_reloads_total{result="failure"} 0"#))
    }
}
