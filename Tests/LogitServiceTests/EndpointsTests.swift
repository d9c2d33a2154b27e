import Foundation
import LogitMath
import TestSupport
import Testing

@testable import LogitService

/// The compute endpoints answer exactly what LogitMath computes, in the shapes API.md gives.
@Suite struct EndpointsTests {
    let client = ServiceClient()

    @Test func sigmoidOfTheSeedVectorIsLogitMathsSigmoid() {
        let a = client.post("/sigmoid", #"{"logits": \#(seedJSON)}"#)
        #expect(a.status == 200)
        #expect(a.contentType == "application/json")
        #expect(doubles(a.json["probabilities"]) == LogitMath.sigmoid(seed))
        #expect(a.json["derivatives"] == nil)
    }

    @Test func sigmoidOfABareArrayIsTheSameAsLogits() {
        let bare = client.post("/sigmoid", seedJSON)
        let wrapped = client.post("/sigmoid", #"{"logits": \#(seedJSON)}"#)
        #expect(bare.status == 200)
        #expect(bare.body == wrapped.body)
    }

    @Test func sigmoidDerivativeIsSigmaTimesSigmaOfMinusX() {
        let a = client.post("/sigmoid", #"{"logits": [0, 40, -40], "derivative": true}"#)
        #expect(a.status == 200)
        let d = doubles(a.json["derivatives"])
        #expect(d == LogitMath.sigmoidDerivative([0, 40, -40]))
        #expect(d[0] == 0.25)
        #expect(d[1] > 0 && d[2] > 0, "σ′(±40) must not round to 0")
    }

    @Test func sigmoidOfABatchIsABatch() {
        let a = client.post("/sigmoid", #"{"logits": [[0, 1], [2, 3]]}"#)
        #expect(a.status == 200)
        #expect(rows(a.json["probabilities"]) == [LogitMath.sigmoid([0, 1]), LogitMath.sigmoid([2, 3])])
    }

    @Test func softmaxOfTheSeedSumsToOneAndMatchesLogitMath() throws {
        let a = client.post("/softmax", #"{"logits": \#(seedJSON)}"#)
        #expect(a.status == 200)
        let p = doubles(a.json["probabilities"])
        #expect(p == (try LogitMath.softmax(seed)))
        #expect(abs(p.reduce(0, +) - 1) < 1e-15)
    }

    @Test func softmaxWithTemperatureAndLog() throws {
        let a = client.post("/softmax", #"{"logits": [1000, 1001], "temperature": 2, "log": true}"#)
        #expect(a.status == 200)
        #expect(doubles(a.json["probabilities"]) == (try LogitMath.softmax([1000, 1001], temperature: 2)))
        #expect(doubles(a.json["log_probabilities"]) == (try LogitMath.logSoftmax([1000, 1001], temperature: 2)))
    }

    @Test func softmaxWorksAlongEachRowOfABatch() throws {
        let a = client.post("/softmax", "[[1, 2, 3], [0, 0, 0]]")
        #expect(a.status == 200)
        let p = rows(a.json["probabilities"])
        #expect(p.count == 2)
        let third: Double = 1.0 / 3
        #expect(p[1] == [third, third, third])
    }

    @Test func integersAreNumbers() {
        let a = client.post("/softmax", "[1, 2, 3]")
        #expect(a.status == 200)
    }

    @Test func linearComputesWxPlusBAndTheActivation() throws {
        let body =
            #"{"weights": [[1, 2], [3, 4], [5, 6]], "bias": [0.5, 0, -1], "input": [1, -1], "activation": "softmax"}"#
        let a = client.post("/linear", body)
        #expect(a.status == 200)
        let logits = doubles(a.json["logits"])
        #expect(logits == [-0.5, -1, -2])
        #expect(doubles(a.json["probabilities"]) == (try LogitMath.softmax(logits)))
    }

    @Test func linearOnABatchGivesABatch() {
        let body = #"{"weights": [[1, 2]], "input": [[1, 1], [2, 2], [3, 3]]}"#
        let a = client.post("/linear", body)
        #expect(a.status == 200)
        #expect(rows(a.json["logits"]) == [[3], [6], [9]])
        #expect(a.json["probabilities"] == nil)
    }

    @Test func linearSigmoidActivation() {
        let a = client.post("/linear", #"{"weights": [[1, 0], [0, 1]], "input": [0, 2], "activation": "sigmoid"}"#)
        #expect(a.status == 200)
        #expect(doubles(a.json["probabilities"]) == LogitMath.sigmoid([0, 2]))
    }

    @Test func classifySoftmaxWithLabelsAndTopK() throws {
        let body = #"{"logits": \#(seedJSON), "labels": ["cat", "dog", "fox", "owl", "bee"], "top_k": 2}"#
        let a = client.post("/classify", body)
        #expect(a.status == 200)
        let p = try LogitMath.softmax(seed)
        #expect(a.json["class"] as? Int == 3)
        #expect(a.json["label"] as? String == "owl")
        #expect(number(a.json["probability"]) == p[3])
        let top = a.json["top"] as? [[String: Any]] ?? []
        #expect(top.map { $0["class"] as? Int } == [3, 2])
        #expect(top.map { $0["label"] as? String } == ["owl", "fox"])
    }

    @Test func classifyWithoutLabelsHasNoLabelKey() {
        let a = client.post("/classify", seedJSON)
        #expect(a.status == 200)
        #expect(a.json["label"] == nil)
        #expect((a.json["top"] as? [Any])?.count == 1)
    }

    @Test func classifyTiesGoToTheLowerIndex() {
        let a = client.post("/classify", #"{"logits": [1, 5, 5, 0], "top_k": 3}"#)
        let top = a.json["top"] as? [[String: Any]] ?? []
        #expect(a.json["class"] as? Int == 1)
        #expect(top.map { $0["class"] as? Int } == [1, 2, 0])
    }

    @Test func classifySigmoidThresholdIsStrict() {
        // σ(0) = 0.5 exactly: not greater than the default threshold 0.5, so predicted 0.
        let body = #"{"logits": [0, 3, -3, 0.1], "activation": "sigmoid", "labels": ["a", "b", "c", "d"]}"#
        let a = client.post("/classify", body)
        #expect(a.status == 200)
        #expect(a.json["predictions"] as? [Int] == [0, 1, 0, 1])
        #expect(a.json["labels"] as? [String] == ["b", "d"])
        let strict = client.post("/classify", #"{"logits": [2], "activation": "sigmoid", "threshold": 0.9}"#)
        #expect(strict.json["predictions"] as? [Int] == [0])
    }

    @Test func classifyABatchGivesResults() {
        let a = client.post("/classify", #"{"logits": [[1, 2], [3, 1]]}"#)
        #expect(a.status == 200)
        let results = a.json["results"] as? [[String: Any]] ?? []
        #expect(results.map { $0["class"] as? Int } == [1, 0])
    }

    @Test func classifyFromALinearLayer() {
        let a = client.post("/classify", #"{"weights": [[1, 0], [0, 1]], "bias": [0, 1], "input": [1, 1]}"#)
        #expect(a.status == 200)
        #expect(a.json["class"] as? Int == 1)
    }
}
