import LogitMath
import LogitModels
import Testing

@Suite struct ModelInferenceTests {
    /// 3 classes over 2 features; every product and sum below is exact in binary.
    static func model(_ activation: ModelActivation, threshold: Double = 0.5) -> Model {
        Model(
            name: "m", version: 1, format: .logitd,
            weights: try! Matrix(rows: [[1, 2], [-1, 0.5], [0, 0.25]]), bias: [0.5, -1, 0],
            activation: activation, threshold: threshold, file: "m.json")
    }

    static let binary = Model(
        name: "b", version: 1, format: .sklearn, weights: try! Matrix(rows: [[2, -1]]), bias: [0.5],
        activation: .binary, labels: ["no", "yes"], file: "b.json")

    let inputs = try! Matrix(rows: [[1, 2], [0, 0], [-2, 4]])

    @Test func logitsAreWxPlusBPerRow() throws {
        let out = try Self.model(.none).apply(inputs)
        #expect(out.logits == (try Matrix(rows: [[5.5, -1, 0.5], [0.5, -1, 0], [6.5, 3, 1]])))
        #expect(out.probabilities == nil)
        #expect(out.activation == ModelActivation.none)
    }

    /// Each row's probabilities are LogitMath's softmax (or σ) of that row's logits, nothing else.
    @Test func probabilitiesFollowTheActivation() throws {
        let soft = try Self.model(.softmax).apply(inputs)
        let sig = try Self.model(.sigmoid).apply(inputs)
        for r in 0..<3 {
            let z = Array(soft.logits.row(r))
            #expect(Array(soft.probabilities!.row(r)) == (try softmax(z)))
            #expect(Array(sig.probabilities!.row(r)) == sigmoid(z))
        }
    }

    /// [σ(−z), σ(z)], each computed directly: at z = 40 the first is 4.248354255291589e−18, where scikit-learn's
    /// 1 − σ(40) is exactly 0.
    @Test func binaryProbabilitiesAreBothTailsDirectly() throws {
        let out = try Self.binary.apply(Matrix(rows: [[20, 0.5], [0, 0.5], [-1, 0]]))
        #expect(out.logits == (try Matrix(rows: [[40], [0], [-1.5]])))
        let p = try #require(out.probabilities)
        #expect(p.rows == 3 && p.columns == 2)
        #expect(p[0, 0] == 4.248354255291589e-18 && p[0, 1] == 1)
        #expect(p[1, 0] == 0.5 && p[1, 1] == 0.5)
        #expect(p[2, 0] == sigmoid(1.5) && p[2, 1] == sigmoid(-1.5))
    }

    /// Binary models answer class 1 for z > 0; z = 0 is a tie, which goes to the lower index (class 0), as
    /// scikit-learn's `predict` does (it predicts 1 only for decision_function > 0).
    @Test func binaryDecisionsAreTwoClassTopK() throws {
        let (_, decisions) = try Self.binary.classify(Matrix(rows: [[20, 0.5], [0, 0.5], [-1, 0]]), topK: 2)
        #expect(decisions == [.oneOf(top: [1, 0]), .oneOf(top: [0, 1]), .oneOf(top: [0, 1])])
    }

    @Test func softmaxDecisionsAreTopKMostProbableFirst() throws {
        let (output, decisions) = try Self.model(.softmax).classify(inputs, topK: 3)
        #expect(output.activation == .softmax)
        #expect(decisions == [.oneOf(top: [0, 2, 1]), .oneOf(top: [0, 2, 1]), .oneOf(top: [0, 1, 2])])
    }

    /// A `none` model classifies by softmax; its /linear output keeps no probabilities.
    @Test func noneModelClassifiesBySoftmax() throws {
        let (output, decisions) = try Self.model(.none).classify(inputs)
        #expect(output.activation == .softmax)
        #expect(output.probabilities == (try softmax(output.logits)))
        #expect(decisions.first == .oneOf(top: [0]))
    }

    /// Sigmoid: 1 where σ(z) is strictly greater than the threshold; the model's own unless the request gives one.
    @Test func sigmoidDecisionsUseTheThreshold() throws {
        let model = Self.model(.sigmoid, threshold: 0.6)
        // Row 1's logits [0.5, −1, 0]: σ = 0.622…, 0.268…, 0.5.
        let one = try Matrix(rows: [[0, 0]])
        #expect(try model.classify(one).decisions == [.each(predictions: [1, 0, 0])])
        #expect(try model.classify(one, threshold: 0.7).decisions == [.each(predictions: [0, 0, 0])])
        #expect(try model.classify(one, threshold: 0.3).decisions == [.each(predictions: [1, 0, 1])])
        // 0.5 is not greater than 0.5.
        #expect(try Self.model(.sigmoid).classify(one).decisions == [.each(predictions: [1, 0, 0])])
    }

    @Test func requestsMayOverrideExceptForBinaryModels() {
        let soft = Self.model(.softmax)
        #expect(soft.activation(overriddenBy: nil) == .softmax)
        #expect(soft.activation(overriddenBy: .sigmoid) == .sigmoid)
        #expect(soft.activation(overriddenBy: ModelActivation.none) == ModelActivation.none)
        #expect(soft.activation(overriddenBy: .binary) == nil)
        #expect(Self.binary.activation(overriddenBy: .softmax) == nil)
        #expect(Self.binary.activation(overriddenBy: .sigmoid) == nil)
        #expect(Self.binary.activation(overriddenBy: .binary) == .binary)
        #expect(Self.model(.none).classifyingActivation(overriddenBy: nil) == .softmax)
        #expect(Self.model(.softmax).classifyingActivation(overriddenBy: .sigmoid) == .sigmoid)
    }

    @Test func sigmoidOverrideOnASoftmaxModel() throws {
        let out = try Self.model(.softmax).apply(inputs, activation: .sigmoid)
        #expect(out.activation == .sigmoid)
        #expect(out.probabilities == sigmoid(out.logits))
    }

    @Test func refusesRowsOfTheWrongWidth() {
        #expect(throws: MathError.columnMismatch(inputCount: 3, weightColumns: 2)) {
            try Self.model(.softmax).apply(Matrix(rows: [[1, 2, 3]]))
        }
    }

    /// An overflowing logit is refused with its [row, output] place, never turned into a probability.
    @Test func refusesAnOverflowWithItsPlace() {
        let big = Model(
            name: "big", version: 1, format: .logitd, weights: try! Matrix(rows: [[1, 1], [1e308, 1e308]]),
            bias: [0, 0], activation: .softmax, file: "big.json")
        #expect(throws: MathError.nonFiniteResult(path: [1, 1])) {
            try big.apply(Matrix(rows: [[0, 0], [1, 1]]))
        }
        #expect(throws: MathError.nonFiniteInput(path: [0, 1])) {
            try big.apply(Matrix(rows: [[0, .nan]]))
        }
    }

    @Test func refusesTopKOutsideTheClasses() {
        #expect(throws: MathError.invalidK(k: 4, count: 3)) { try Self.model(.softmax).classify(inputs, topK: 4) }
        #expect(throws: MathError.invalidK(k: 3, count: 2)) {
            try Self.binary.classify(Matrix(rows: [[1, 1]]), topK: 3)
        }
    }
}
