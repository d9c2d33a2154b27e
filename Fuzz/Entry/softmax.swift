// Entry of the `softmax` target: the input is a body for POST /softmax (see EndpointFuzz.swift).
// Beyond the common invariants: the probabilities have the logits' shape, each row sums to 1 within
// 1e-12 and follows the order of the logits, and agrees with a libm softmax within a tolerance that
// grows with the size of x/T (whose rounding e^x magnifies); log probabilities appear exactly when
// asked for, are ≤ 0 and are the logarithms of the probabilities.

import Glibc

@testable import LogitService

struct SoftmaxOutput: Decodable {
    var probabilities: Logits
    var logProbabilities: Logits?

    enum CodingKeys: String, CodingKey {
        case probabilities
        case logProbabilities = "log_probabilities"
    }
}

/// softmax(x/T) with the maximum subtracted, in the plainest way.
func referenceSoftmax(_ x: [Double], temperature t: Double) -> (p: [Double], scaled: [Double]) {
    let scaled = x.map { $0 / t }
    let m = scaled.max()!
    let e = scaled.map { exp($0 - m) }
    let sum = e.reduce(0, +)
    return (e.map { $0 / sum }, scaled)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSoftmax(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let body = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    guard let (request, output) = post(body, to: "/softmax", as: SoftmaxRequest.self) else { return 0 }
    let out = decodeOutput(SoftmaxOutput.self, output, body: body)
    checkSameShape(out.probabilities, request.logits, "probabilities", body: body)
    for (i, (x, p)) in zip(request.logits.rows, out.probabilities.rows).enumerated() {
        checkSoftmaxRow(p, scores: x, "probabilities row \(i)", body: body)
        let (reference, scaled) = referenceSoftmax(x, temperature: request.temperature)
        let m = scaled.max()!
        for j in x.indices {
            // Rounding x/T (and x/T − max) moves the exponent by a few ulps of its size.
            let tolerance = 1e-12 + 8 * Double.ulpOfOne * (abs(scaled[j]) + abs(m))
            if !close(p[j], reference[j], relative: tolerance) {
                fail("row \(i)[\(j)]: \(p[j]), reference \(reference[j])", body: body)
            }
        }
    }
    guard (out.logProbabilities != nil) == request.log else {
        fail("log_probabilities present: \(out.logProbabilities != nil), asked: \(request.log)", body: body)
    }
    if let logs = out.logProbabilities {
        checkSameShape(logs, request.logits, "log_probabilities", body: body)
        for (row, (lps, ps)) in zip(request.logits.rows, zip(logs.rows, out.probabilities.rows)) {
            // lp = x/T − max − log Σ: its absolute error scales with the largest |x/T|.
            let size = row.map { abs($0 / request.temperature) }.max()!
            for (lp, p) in zip(lps, ps) {
                let tolerance = 1e-12 + 16 * Double.ulpOfOne * (size + abs(lp))
                guard lp <= 0, close(exp(lp), p, relative: tolerance) else {
                    fail("log probability \(lp) for probability \(p)", body: body)
                }
            }
        }
    }
    return 0
}
