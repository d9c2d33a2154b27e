// Entry of the `sigmoid` target: the input is a body for POST /sigmoid (see EndpointFuzz.swift).
// Beyond the common invariants: the probabilities (and derivatives, exactly when asked for) have
// the logits' shape, lie in [0, 1] (derivatives in [0, 0.25]) and agree with libm's logistic
// function within 1e-12 relative.

import Glibc

import LogitAPI

@testable import LogitService

struct SigmoidOutput: Decodable {
    var probabilities: Logits
    var derivatives: Logits?
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSigmoid(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let body = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    guard let (request, output) = post(body, to: "/sigmoid", as: SigmoidRequest.self) else { return 0 }
    let out = decodeOutput(SigmoidOutput.self, output, body: body)
    checkSameShape(out.probabilities, request.logits, "probabilities", body: body)
    for (x, p) in zip(request.logits.rows.joined(), out.probabilities.rows.joined()) {
        checkProbabilities([p], "σ(\(x))", body: body)
        if !close(p, referenceSigmoid(x)) { fail("σ(\(x)) = \(p), libm says \(referenceSigmoid(x))", body: body) }
    }
    guard (out.derivatives != nil) == request.derivative else {
        fail("derivatives present: \(out.derivatives != nil), asked: \(request.derivative)", body: body)
    }
    if let derivatives = out.derivatives {
        checkSameShape(derivatives, request.logits, "derivatives", body: body)
        for (x, d) in zip(request.logits.rows.joined(), derivatives.rows.joined()) {
            let reference = referenceSigmoid(x) * referenceSigmoid(-x)
            guard d >= 0, d <= 0.25, close(d, reference) else {
                fail("σ′(\(x)) = \(d), libm says \(reference)", body: body)
            }
        }
    }
    return 0
}
