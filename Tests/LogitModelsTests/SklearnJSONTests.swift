import LogitMath
import LogitModels
import Testing

/// scikit-learn's LogisticRegression fitted on its bundled data sets, exported by scripts/export_sklearn.py and
/// compared on every sample (Fixtures made by scripts/models/make_fixtures.py).
@Suite struct SklearnJSONTests {
    @Test func irisIsAThreeClassSoftmaxWithTheClassesAsLabels() throws {
        let model = try loadModelFile(Fixture.path("iris.json"), fallbackName: "x", maxSize: 1 << 20)
        #expect(model.name == "iris" && model.version == 1 && model.format == .sklearn)
        #expect(model.activation == .softmax && model.inputs == 4 && model.outputs == 3)
        #expect(model.labels == ["0", "1", "2"])
        #expect(model.storage == .fp64)
    }

    /// A 1×n coef is binary: logits are the one score z, probabilities [σ(−z), σ(z)], labels the two classes.
    @Test func breastCancerIsBinary() throws {
        let model = try loadModelFile(Fixture.path("breast_cancer.json"), fallbackName: "x", maxSize: 1 << 20)
        #expect(model.name == "breast_cancer" && model.activation == .binary)
        #expect(model.inputs == 30 && model.outputs == 1 && model.classes == 2 && model.labels == ["0", "1"])
    }

    /// Every sample (150 iris, 569 breast cancer): classes equal `predict`, logits within the dot product's bound,
    /// probabilities within 4 ulp; the distance from `predict_proba` is printed and bounded.
    @Test(arguments: [("iris", 150, 1e-14), ("breast_cancer", 569, 1e-13)])
    func matchesScikitLearnOnEverySample(_ name: String, _ count: Int, _ fromPredictProba: Double) throws {
        let model = try loadModelFile(Fixture.path("\(name).json"), fallbackName: "x", maxSize: 1 << 20)
        let samples = try Fixture.samples("\(name).txt")
        #expect(samples.count == count)
        let accuracy = try checkAgainstReferences(model, samples)
        let difference = try #require(accuracy.maxPredictProbaDifference)
        print(
            "\(name): max \(accuracy.maxProbabilityUlps) ulp, logit error ≤ \(accuracy.maxBoundFraction) of the bound, "
                + "max |p − predict_proba| = \(difference)")
        #expect(difference < fromPredictProba)
    }

    @Test(arguments: [
        ("[0, 1]", ["0", "1"]), ("[\"cat\", \"dog\"]", ["cat", "dog"]), ("[1.5, -2]", ["1.5", "-2"]),
        ("[false, true]", ["false", "true"]),
    ])
    func classesBecomeTheirDecimalText(_ classes: String, _ labels: [String]) throws {
        let json = "{\"coef\": [[1, 2]], \"intercept\": [0.5], \"classes\": \(classes)}"
        let model = try decodeModel(Array(json.utf8), file: "m.json", fallbackName: "m")
        #expect(model.labels == labels && model.activation == .binary && model.bias == [0.5])
    }

    @Test func multinomialWithoutInterceptHasZeroBias() throws {
        let json = #"{"coef": [[1, 2], [3, 4], [5, 6]], "classes": ["a", "b", "c"], "name": "abc"}"#
        let model = try decodeModel(Array(json.utf8), file: "m.json", fallbackName: "m")
        #expect(model.name == "abc" && model.activation == .softmax && model.bias == [0, 0, 0])
    }
}
