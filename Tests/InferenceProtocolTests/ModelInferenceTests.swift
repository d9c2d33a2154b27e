import LogitMath
import LogitModels
import Testing

@testable import InferenceProtocol

/// `{"inputs": [one FP64 tensor of rows]}` plus `extra` members, decoded as the routes decode it.
func request(_ rows: [[Double]], _ extra: String = "") throws -> InferenceRequest {
    let data = rows.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" }.joined(separator: ", ")
    let json =
        #"{"inputs": [{"name": "in", "shape": [\#(rows.count), \#(rows[0].count)], "datatype": "FP64", "data": [\#(data)]}]\#(extra)}"#
    return try InferenceRequest(body: Array(json.utf8), headerLength: nil)
}

private func failure(_ model: Model, _ request: InferenceRequest) -> String? {
    do {
        _ = try model.infer(request)
        return nil
    } catch {
        #expect(error.kind == .badRequest)
        return error.message
    }
}

@Suite struct ModelInferenceProtocolTests {
    static let iris = Model(
        name: "iris", version: 1, format: .logitd,
        weights: try! Matrix(rows: [[0.5, 1, -2, -1], [0.25, -0.5, 0.5, -1], [-1, -1, 2, 2]]), bias: [1, 0.5, -2],
        activation: .softmax, labels: ["setosa", "versicolor", "virginica"], file: "iris.json")
    static let binary = Model(
        name: "b", version: 2, format: .sklearn, weights: try! Matrix(rows: [[2, -1]]), bias: [0.5],
        activation: .binary, labels: ["no", "yes"], file: "b.json")
    /// The threshold is the model's own 0.7, not 0.5.
    static let sigmoid = Model(
        name: "s", version: 1, format: .logitd, weights: try! Matrix(rows: [[1, 0], [0, 1], [1, 1]]), bias: [0, 0, 0],
        activation: .sigmoid, labels: ["a", "b", "c"], threshold: 0.7, file: "s.json")
    static let none = Model(
        name: "n", version: 1, format: .logitd, weights: try! Matrix(rows: [[1, 0], [0, 1]]), bias: [0, 0],
        activation: .none, file: "n.json")

    static let irisRows: [[Double]] = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]

    @Test func everyOutputIsTheModelsOwnResultInTheModelsOrder() throws {
        let response = try Self.iris.infer(request(Self.irisRows, #", "id": "r1""#))
        let (output, decisions) = try Self.iris.classify(Matrix(rows: Self.irisRows))
        #expect(response.modelName == "iris" && response.modelVersion == 1 && response.id == "r1")
        #expect(response.outputs.map(\.name) == ["logits", "probabilities", "class", "label"])
        #expect(
            response.outputs[0]
                == OutputTensor(name: "logits", datatype: .fp64, shape: [2, 3], data: .doubles(output.logits.elements)))
        #expect(response.outputs[1].data == .doubles(output.probabilities!.elements))
        #expect(response.outputs[1].shape == [2, 3])
        let classes = decisions.map { if case .oneOf(let top) = $0 { top[0] } else { -1 } }
        #expect(
            response.outputs[2] == OutputTensor(name: "class", datatype: .int64, shape: [2], data: .integers(classes)))
        #expect(
            response.outputs[3]
                == OutputTensor(
                    name: "label", datatype: .bytes, shape: [2], data: .strings(classes.map { Self.iris.labels![$0] })))
        #expect(classes == [0, 2])
        #expect(response.outputs.allSatisfy { !$0.binary })
    }

    @Test func outputsAreThoseAskedInTheOrderAsked() throws {
        let response = try Self.iris.infer(
            request(
                Self.irisRows,
                #", "outputs": [{"name": "label"}, {"name": "logits", "parameters": {"binary_data": true}}]"#))
        #expect(response.outputs.map(\.name) == ["label", "logits"])
        #expect(response.outputs.map(\.binary) == [false, true])
    }

    @Test func binaryDataOutputMakesEveryOutputBinaryUnlessOneSaysOtherwise() throws {
        let all = try Self.iris.infer(request(Self.irisRows, #", "parameters": {"binary_data_output": true}"#))
        #expect(all.outputs.allSatisfy { $0.binary })
        let some = try Self.iris.infer(
            request(
                Self.irisRows,
                #", "parameters": {"binary_data_output": true}, "outputs": [{"name": "class", "parameters": {"binary_data": false}}, {"name": "label"}]"#
            ))
        #expect(some.outputs.map(\.binary) == [false, true])
    }

    @Test func aBinaryModelAnswersOneLogitTwoProbabilitiesAndItsClass() throws {
        let response = try Self.binary.infer(request([[1, 0], [0, 2]]))
        #expect(response.modelVersion == 2)
        #expect(response.outputs[0].shape == [2, 1] && response.outputs[0].data == .doubles([2.5, -1.5]))
        #expect(response.outputs[1].shape == [2, 2])
        #expect(
            response.outputs[1].data
                == .doubles([
                    LogitMath.sigmoid(-2.5), LogitMath.sigmoid(2.5), LogitMath.sigmoid(1.5), LogitMath.sigmoid(-1.5),
                ]))
        #expect(response.outputs[2].data == .integers([1, 0]))
        #expect(response.outputs[3].data == .strings(["yes", "no"]))
    }

    /// σ(0.9) ≈ 0.711 > 0.7 and σ(0.8) ≈ 0.690 < 0.7: only the model's threshold tells them apart.
    @Test func aSigmoidModelsClassAppliesItsThreshold() throws {
        let response = try Self.sigmoid.infer(request([[0.9, 0.8]]))
        #expect(response.outputs.map(\.name) == ["logits", "probabilities", "class"])
        #expect(
            response.outputs[2]
                == OutputTensor(name: "class", datatype: .int64, shape: [1, 3], data: .integers([1, 0, 1])))
    }

    @Test func aModelWithoutActivationAnswersSoftmaxProbabilities() throws {
        let response = try Self.none.infer(request([[1, 3]]))
        #expect(response.outputs[1].data == .doubles(try softmax([1, 3])))
        #expect(response.outputs[2].data == .integers([1]))
    }

    @Test func classificationIsValueIndexLabelMostProbableFirst() throws {
        let response = try Self.iris.infer(
            request(Self.irisRows, #", "outputs": [{"name": "probabilities", "parameters": {"classification": 2}}]"#))
        let p = try Self.iris.apply(Matrix(rows: Self.irisRows)).probabilities!
        let tensor = response.outputs[0]
        #expect(tensor.datatype == .bytes && tensor.shape == [2, 2])
        #expect(
            tensor.data
                == .strings([
                    "\(p[0, 0]):0:setosa", "\(p[0, 1]):1:versicolor", "\(p[1, 2]):2:virginica",
                    "\(p[1, 1]):1:versicolor",
                ]))
    }

    @Test func classificationOfMoreThanTheColumnsListsThemAll() throws {
        let response = try Self.none.infer(
            request([[1, 3]], #", "outputs": [{"name": "logits", "parameters": {"classification": 5}}]"#))
        #expect(response.outputs[0].shape == [1, 2])
        #expect(response.outputs[0].data == .strings(["3.0:1", "1.0:0"]))
    }

    /// A binary model's one logit is the score of class 1, not a class of its own: no label on it.
    @Test func aBinaryModelsLogitClassificationHasNoLabel() throws {
        let response = try Self.binary.infer(
            request(
                [[1, 0]],
                #", "outputs": [{"name": "logits", "parameters": {"classification": 1}}, {"name": "probabilities", "parameters": {"classification": 1}}]"#
            ))
        #expect(response.outputs[0].data == .strings(["2.5:0"]))
        #expect(response.outputs[1].data == .strings(["\(LogitMath.sigmoid(2.5)):1:yes"]))
    }

    @Test func refusals() throws {
        #expect(
            failure(Self.iris, try request([[1, 2, 3]]))
                == #"input "in" has 3 elements per row but model iris version 1 takes 4"#)
        #expect(
            failure(Self.iris, try request(Self.irisRows, #", "outputs": [{"name": "scores"}]"#))
                == #"model iris has no output "scores"; its outputs are logits, probabilities, class, label"#)
        #expect(
            failure(Self.sigmoid, try request([[1, 2]], #", "outputs": [{"name": "label"}]"#))
                == #"model s has no output "label"; its outputs are logits, probabilities, class"#)
        #expect(
            failure(Self.none, try request([[1, 2]], #", "outputs": [{"name": "label"}]"#))
                == #"model n has no output "label"; its outputs are logits, probabilities, class"#)
        #expect(
            failure(Self.iris, try request(Self.irisRows, #", "outputs": [{"name": "class"}, {"name": "class"}]"#))
                == #"outputs names "class" twice"#)
        #expect(
            failure(
                Self.iris,
                try request(Self.irisRows, #", "outputs": [{"name": "label", "parameters": {"classification": 1}}]"#))
                == #"outputs "label": classification applies to logits and probabilities"#)
        #expect(failure(Self.none, try request([[1e308, 1e308]])) == nil)
        #expect(
            failure(Self.sigmoid, try request([[1e308, 1e308]]))
                == "logits[0][2]: the result is not finite (the input is too large)")
    }
}
