// Entry of the `linear` target: the input is a body for POST /linear (see EndpointFuzz.swift).
// Beyond the common invariants: the logits are m per input row (a vector for a vector, k×m for a
// k×n batch) and agree with a plain W·x + b within its rounding-error bound; probabilities appear
// exactly when an activation is asked for, with the logits' shape (sigmoid: in [0, 1]; softmax:
// each row sums to 1 and follows the order of the logits).

import LogitAPI
import LogitMath

@testable import LogitService

struct LinearOutput: Decodable {
    var logits: Logits
    var probabilities: Logits?
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLinear(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let body = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    guard let (request, output) = post(body, to: "/linear", as: LinearRequest.self) else { return 0 }
    let out = decodeOutput(LinearOutput.self, output, body: body)
    // No model is served here, so a request that names one never answers 200.
    guard case .layer(let layer) = request.source else { fail("a model-named /linear answered 200", body: body) }
    let activation = request.activation ?? .none
    let m = layer.weights.rows
    guard out.logits.isBatch == layer.input.isBatch, out.logits.rows.count == layer.input.rows.count,
        out.logits.rows.allSatisfy({ $0.count == m })
    else { fail("logits of the wrong shape: \(out.logits.rows.map(\.count)) for \(m) outputs", body: body) }
    checkLogits(out.logits, of: layer, body: body)
    guard (out.probabilities != nil) == (activation != .none) else {
        fail("probabilities present: \(out.probabilities != nil), activation \(activation)", body: body)
    }
    if let probabilities = out.probabilities {
        checkSameShape(probabilities, out.logits, "probabilities", body: body)
        for (i, (z, p)) in zip(out.logits.rows, probabilities.rows).enumerated() {
            if activation == .softmax {
                checkSoftmaxRow(p, scores: z, "probabilities row \(i)", body: body)
            } else {
                checkProbabilities(p, "probabilities row \(i)", body: body)
                for (zj, pj) in zip(z, p) where !close(pj, referenceSigmoid(zj)) {
                    fail("σ(\(zj)) = \(pj), libm says \(referenceSigmoid(zj))", body: body)
                }
            }
        }
    }
    return 0
}

/// Each logit within (n + 2)·2 ulp of the bound of the plain sum (both sums round at most n + 1 times).
func checkLogits(_ logits: Logits, of layer: LinearLayer, body: [UInt8]) {
    let n = layer.input.columns
    for (i, (x, z)) in zip(layer.input.rows, logits.rows).enumerated() {
        for (j, (reference, zj)) in zip(referenceLinear(layer, x), z).enumerated() {
            guard reference.bound.isFinite else { continue }
            let tolerance = Double(2 * (n + 2)) * Double.ulpOfOne * reference.bound + Double.leastNonzeroMagnitude
            if abs(zj - reference.value) > tolerance {
                fail("logits row \(i)[\(j)] = \(zj), plain sum \(reference.value) ± \(tolerance)", body: body)
            }
        }
    }
}
