import JSONCodec
import LogitAPI
import LogitMath
import Testing

/// The operations on decoded requests, without HTTP.
struct OperationsTests {
    func request<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONWire().decode(T.self, from: Array(json.utf8))
    }

    /// B1: a batched layer that overflows in row k, output j names both (before, the row was lost:
    /// the batch went through the vector form of `linear` row by row).
    @Test func aBatchedLinearLayerThatOverflowsNamesTheRowAndTheOutput() throws {
        let r = try request(
            LinearRequest.self, #"{"weights": [[1, 0], [0, 1e308]], "input": [[1, 1], [2, 1], [1, 10]]}"#)
        #expect(throws: APIError.invalid("logits[2][1]: the result is not finite")) { try Operations.linear(r) }
    }

    @Test func aVectorLinearLayerThatOverflowsNamesTheOutput() throws {
        let r = try request(LinearRequest.self, #"{"weights": [[1, 0], [0, 1e308]], "input": [1, 10]}"#)
        #expect(throws: APIError.invalid("logits[1]: the result is not finite")) { try Operations.linear(r) }
    }

    @Test func batchedLogSoftmaxThatOverflowsNamesTheRow() throws {
        let r = try request(SoftmaxRequest.self, #"{"logits": [[1, 2], [1e308, -1e308]], "log": true}"#)
        #expect(throws: APIError.invalid("logits[1][1]: the result is not finite")) { try Operations.softmax(r) }
    }

    /// `log: true` computes both from one pass (`softmaxAndLog`), equal to the two separately.
    @Test func softmaxWithLogEqualsTheTwoSeparately() throws {
        let rows = [[0.5, -1, 3], [2, 2, -7]]
        let r = try request(SoftmaxRequest.self, #"{"logits": [[0.5, -1, 3], [2, 2, -7]], "log": true}"#)
        let result = try Operations.softmax(r)
        #expect(result.probabilities.matrix == (try Matrix(rows: try LogitMath.softmax(rows))))
        #expect(result.logProbabilities?.matrix == (try Matrix(rows: try LogitMath.logSoftmax(rows))))
    }

    @Test func theCostOfALayerIsItsProducts() throws {
        let r = try request(
            LinearRequest.self, #"{"weights": [[1, 2, 3], [4, 5, 6]], "input": [[1, 1, 1], [2, 2, 2]]}"#)
        #expect(r.cost == 2 * 2 * 3)
    }

    /// Issue 14: a matrix is an array of rows; a flat array for `weights` is refused, naming it.
    @Test func flatWeightsAreRefusedNamingWeights() {
        #expect(
            throws: APIError.invalid("weights: must be a matrix, an array of rows such as [[1.0, 2.0]], not a vector")
        ) {
            try request(LinearRequest.self, #"{"weights": [1.0, 2.0], "input": [1.0, 2.0]}"#)
        }
        #expect(throws: APIError.self) {
            try request(ClassifyRequest.self, #"{"weights": [1.0, 2.0], "input": [1.0, 2.0]}"#)
        }
    }
}
