// Entry of the `classify` target: the input is a body for POST /classify (see EndpointFuzz.swift).
// Beyond the common invariants: one result for a vector, `results` with one per row for a batch;
// probabilities for every class. Softmax: they sum to 1, `top` has top_k entries, most probable
// first with ties to the lower index, `class`/`probability`/`label` are top[0]'s, and no class
// outside `top` beats the last of it. Sigmoid: a prediction is 1 exactly when its probability is
// greater than the threshold, and `labels` names exactly those outputs. Scores given as logits are
// also checked against the row order (softmax) or libm's σ (sigmoid); scores from a linear layer
// against the plain W·x + b (as in the linear target).

import LogitAPI
import LogitMath

@testable import LogitService

struct TopOutput: Decodable, Equatable {
    var `class`: Int
    var label: String?
    var probability: Double
}

struct ClassificationOutput: Decodable {
    var `class`: Int?
    var label: String?
    var probability: Double?
    var probabilities: [Double]
    var top: [TopOutput]?
    var predictions: [Int]?
    var labels: [String]?
}

struct BatchOutput: Decodable {
    var results: [ClassificationOutput]
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClassify(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let body = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    guard let (request, output) = post(body, to: "/classify", as: ClassifyRequest.self) else { return 0 }
    let isBatch: Bool
    let scores: [[Double]]?
    let classes: Int
    switch request.scores {
    case .logits(let l):
        (isBatch, scores, classes) = (l.isBatch, l.rows, l.columns)
    case .layer(let layer):
        (isBatch, scores, classes) = (layer.input.isBatch, nil, layer.weights.rows)
    case .model:
        // No model is served here, so a request that names one never answers 200.
        fail("a model-named /classify answered 200", body: body)
    }
    let results =
        isBatch
        ? decodeOutput(BatchOutput.self, output, body: body).results
        : [decodeOutput(ClassificationOutput.self, output, body: body)]
    let rows =
        scores?.count
        ?? {
            if case .layer(let layer) = request.scores { return layer.input.rows.count }
            return 0
        }()
    guard results.count == rows else { fail("\(results.count) results for \(rows) rows", body: body) }
    for (i, result) in results.enumerated() {
        let p = result.probabilities
        guard p.count == classes else { fail("row \(i): \(p.count) probabilities, \(classes) classes", body: body) }
        if request.activation == .sigmoid {
            checkSigmoidResult(result, row: i, scores: scores?[i], request: request, body: body)
        } else {
            checkSoftmaxResult(result, row: i, scores: scores?[i], request: request, body: body)
        }
    }
    if case .layer(let layer) = request.scores, request.activation == .sigmoid {
        // σ is monotonic and exact enough to invert the check: the plain W·x + b through σ.
        for (i, x) in layer.input.rows.enumerated() {
            for (j, reference) in referenceLinear(layer, x).enumerated() where reference.bound.isFinite {
                let slack = 1e-9 + Double(4 * (x.count + 2)) * Double.ulpOfOne * reference.bound
                let low = referenceSigmoid(reference.value - slack)
                let high = referenceSigmoid(reference.value + slack)
                let pj = results[i].probabilities[j]
                if pj < low - 1e-12 || pj > high + 1e-12 {
                    fail("row \(i)[\(j)]: \(pj) outside σ of the plain sum [\(low), \(high)]", body: body)
                }
            }
        }
    }
    return 0
}

func checkSoftmaxResult(
    _ result: ClassificationOutput, row i: Int, scores: [Double]?, request: ClassifyRequest, body: [UInt8]
) {
    let p = result.probabilities
    if let scores {
        checkSoftmaxRow(p, scores: scores, "row \(i)", body: body)
    } else {
        checkProbabilities(p, "row \(i)", body: body)
        let sum = p.reduce(0, +)
        if abs(sum - 1) > 1e-12 { fail("row \(i) sums to \(sum)", body: body) }
    }
    guard result.predictions == nil, let top = result.top, let best = result.class, let probability = result.probability
    else { fail("row \(i): not a softmax classification", body: body) }
    guard top.count == request.topK else { fail("row \(i): \(top.count) in top, top_k \(request.topK)", body: body) }
    let expected = p.indices.sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }.prefix(request.topK)
    let want = expected.map { TopOutput(class: $0, label: request.labels?[$0], probability: p[$0]) }
    guard top == want else { fail("row \(i): top \(top), expected \(want)", body: body) }
    guard best == top[0].class, probability == top[0].probability, result.label == top[0].label else {
        fail("row \(i): class \(best) / \(probability) / \(result.label ?? "-") is not top[0]", body: body)
    }
    guard result.labels == nil else { fail("row \(i): labels in a softmax result", body: body) }
}

func checkSigmoidResult(
    _ result: ClassificationOutput, row i: Int, scores: [Double]?, request: ClassifyRequest, body: [UInt8]
) {
    let p = result.probabilities
    checkProbabilities(p, "row \(i)", body: body)
    if let scores {
        for (x, pj) in zip(scores, p) where !close(pj, referenceSigmoid(x)) {
            fail("row \(i): σ(\(x)) = \(pj), libm says \(referenceSigmoid(x))", body: body)
        }
    }
    guard let predictions = result.predictions, result.top == nil, result.class == nil, result.probability == nil
    else { fail("row \(i): not a sigmoid classification", body: body) }
    let want = p.map { $0 > request.threshold ? 1 : 0 }
    guard predictions == want else { fail("row \(i): predictions \(predictions), expected \(want)", body: body) }
    let names = request.labels.map { labels in labels.indices.filter { want[$0] == 1 }.map { labels[$0] } }
    guard result.labels == names else {
        fail("row \(i): labels \(result.labels ?? []), expected \(names ?? [])", body: body)
    }
}
