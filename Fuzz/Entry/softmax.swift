// Entry of the `softmax` target: the input is a body for POST /softmax (see EndpointFuzz.swift).
// Beyond the common invariants: the probabilities have the logits' shape, each row sums to 1 within
// 1e-12 and follows the order of the logits, and agrees with a libm softmax within a tolerance that
// grows with the size of x/T (whose rounding e^x magnifies); log probabilities appear exactly when
// asked for, are ≤ 0 and are the logarithms of the probabilities.

import Glibc

import LogitAPI

@testable import LogitService

struct SoftmaxOutput: Decodable {
    var probabilities: Logits
    var logProbabilities: Logits?

    enum CodingKeys: String, CodingKey {
        case probabilities
        case logProbabilities = "log_probabilities"
    }
}

/// softmax(x/T) in the plainest stable way: e^((x − max)/T), normalised. (x/T − max(x/T) would
/// overflow where x/T does, as in `[[2e15]]` at T = 1e-300, whose softmax is still [1].)
func referenceSoftmax(_ x: [Double], temperature t: Double) -> [Double] {
    let m = x.max()!
    let e = x.map { exp(($0 - m) / t) }
    let sum = e.reduce(0, +)
    return e.map { $0 / sum }
}

/// How far rounding may move the exponent of element `j`: the service may scale first and subtract
/// after (x/T − max/T) or the other way round, each rounding a few ulps of the sizes involved.
func exponentSlack(_ x: [Double], _ j: Int, temperature t: Double) -> Double {
    8 * Double.ulpOfOne * (abs(x[j]) + abs(x.max()!)) / t
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSoftmax(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let body = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    guard let (request, output) = post(body, to: "/softmax", as: SoftmaxRequest.self) else { return 0 }
    let out = decodeOutput(SoftmaxOutput.self, output, body: body)
    let t = request.temperature
    checkSameShape(out.probabilities, request.logits, "probabilities", body: body)
    for (i, (x, p)) in zip(request.logits.rows, out.probabilities.rows).enumerated() {
        checkSoftmaxRow(p, scores: x, "probabilities row \(i)", body: body)
        let reference = referenceSoftmax(x, temperature: t)
        for j in x.indices where !close(p[j], reference[j], relative: 1e-12 + exponentSlack(x, j, temperature: t)) {
            fail("row \(i)[\(j)]: \(p[j]), reference \(reference[j])", body: body)
        }
    }
    guard (out.logProbabilities != nil) == request.log else {
        fail("log_probabilities present: \(out.logProbabilities != nil), asked: \(request.log)", body: body)
    }
    if let logs = out.logProbabilities {
        checkSameShape(logs, request.logits, "log_probabilities", body: body)
        for (x, (lps, ps)) in zip(request.logits.rows, zip(logs.rows, out.probabilities.rows)) {
            for (j, (lp, p)) in zip(lps, ps).enumerated() {
                // lp = (x − max)/T − log Σ; exp(lp) carries lp's absolute error as a relative one.
                let tolerance = 1e-12 + exponentSlack(x, j, temperature: t) + 16 * Double.ulpOfOne * abs(lp)
                guard lp <= 0, close(exp(lp), p, relative: tolerance) else {
                    fail("log probability \(lp) for probability \(p)", body: body)
                }
            }
        }
    }
    return 0
}
