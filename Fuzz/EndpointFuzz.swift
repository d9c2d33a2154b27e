// The shared half of the endpoint fuzz targets (sigmoid, softmax, linear, classify). run.sh compiles
// it into a module named LogitService with the service's compute-route sources (ComputeRoutes,
// ContentType, Problem) and ReferenceJSON.swift, against LogitAPI (the domain layer), JSONCodec,
// LogitMath, Routing and HTTPServer's Messages, each built as a module of its own; each target is
// then one file of Fuzz/Entry/ that `@testable import`s it. Service.swift (metrics, logging, the
// socket server) is left out; `fuzzRouter` registers the compute routes through the service's own
// `ComputeRoutes`, so nothing here copies service code.
//
// Each input is a request body, posted as `application/json` to the endpoint through the real
// `Router`. Invariants, each a crash (so libFuzzer keeps the input) when broken:
// 1. The answer is a 200 or a problem: 400 exactly when the body is not JSON (checked against a
//    reference RFC 8259 validator, `ReferenceJSON`), else 422. Never 415 (the type is JSON), never
//    500. A problem is `application/problem+json` whose type, title and status match and whose
//    detail is not empty, and it is the very problem `JSONWire` gives when decoding fails there.
// 2. A 200 is `application/json` that decodes back (with the JSONCodec decoder) into the
//    endpoint's response shape: only finite numbers, the input's shape, probabilities in [0, 1],
//    softmax rows summing to 1 within 1e-12, and values within a tolerance of a plain reference
//    computed here (per endpoint, in the entry files).

import Glibc
import HTTPServer
import HTTPTypes
import JSONCodec
import LogitAPI
import LogitMath
import Routing

// MARK: The route table, as the service registers it

/// The compute routes, registered by the service's own `ComputeRoutes`.
let fuzzRouter: Router = {
    var router = Router(errors: .problem)
    ComputeRoutes.add(to: &router)
    return router
}()

// MARK: The common invariants

/// Fails the run with `message`; the fuzzer saves the input that got here.
func fail(_ message: String, body: [UInt8]) -> Never {
    let text = String(decoding: body.prefix(400), as: UTF8.self)
    fatalError("\(message)\n  request body: \(text)")
}

/// The body of an RFC 9457 problem, as the service writes it.
struct ProblemBody: Decodable {
    var type: String
    var title: String
    var status: Int
    var detail: String
}

/// Posts `body` to `path` and checks invariant 1. Returns the decoded request and the 200's body
/// for the endpoint's own checks, or nil when the answer was a (checked) problem.
func post<Input: Decodable>(_ body: [UInt8], to path: String, as _: Input.Type) -> (Input, [UInt8])? {
    let request = Request(
        method: .post, target: path, headers: ["Host": "fuzz", "Content-Type": "application/json"], body: body)
    let response =
        switch fuzzRouter.respond(to: request).outcome {
        case .response(let response): response
        case .offload(let work): work()
        }
    // What the same decoding says on its own: the response must agree with it.
    let decoded: Result<Input, Problem> = Result { () throws(Problem) in
        do throws(APIError) {
            return try JSONWire().decode(Input.self, from: body)
        } catch {
            throw Problem(error)
        }
    }
    let isJSON = ReferenceJSON.isValid(body)

    switch response.status.code {
    case 200:
        guard case .success(let input) = decoded else { fail("200 for a body JSONWire refuses", body: body) }
        guard response.headers[.contentType] == "application/json" else {
            fail("200 without application/json", body: body)
        }
        return (input, response.body)
    case 400, 422:
        let problem = checkProblem(response, body: body)
        if (problem.status == 400) == isJSON {
            fail("status \(problem.status) but the reference validator says JSON: \(isJSON)", body: body)
        }
        if case .failure(let expected) = decoded {
            guard expected.status.code == problem.status, expected.detail == problem.detail else {
                fail("the problem differs from JSONWire's (\(expected))", body: body)
            }
        } else if problem.status != 422 {
            fail("a decodable request refused with \(problem.status)", body: body)
        }
        return nil
    default:
        fail("unexpected status \(response.status.code): \(String(decoding: response.body, as: UTF8.self))", body: body)
    }
}

/// Checks that `response` is a well-formed problem+json and returns it.
func checkProblem(_ response: Response, body: [UInt8]) -> ProblemBody {
    guard response.headers[.contentType] == "application/problem+json" else {
        fail("a problem without application/problem+json", body: body)
    }
    guard let problem = try? decodeJSON(ProblemBody.self, from: response.body) else {
        fail("a problem body that does not decode: \(String(decoding: response.body, as: UTF8.self))", body: body)
    }
    guard problem.type == "about:blank", problem.status == response.status.code,
        problem.title == response.status.reasonPhrase,
        !problem.detail.allSatisfy({ $0 == " " })
    else { fail("a malformed problem: \(problem)", body: body) }
    return problem
}

/// Decodes a 200's body as `T` with the JSONCodec decoder (which refuses non-finite numbers).
func decodeOutput<T: Decodable>(_ type: T.Type, _ output: [UInt8], body: [UInt8]) -> T {
    do {
        return try decodeJSON(T.self, from: output)
    } catch {
        fail("the 200's body does not decode (\(error)): \(String(decoding: output, as: UTF8.self))", body: body)
    }
}

/// A vector or a batch, as the answers' checks read it.
protocol Rows {
    var rows: [[Double]] { get }
    var isBatch: Bool { get }
}

/// A vector or batch in an answer, read independently of LogitAPI's `Batch`.
enum Logits: Decodable, Rows {
    case vector([Double])
    case batch([[Double]])

    init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer()
        if let v = try? value.decode([Double].self) {
            self = .vector(v)
        } else {
            self = .batch(try value.decode([[Double]].self))
        }
    }

    var rows: [[Double]] {
        switch self {
        case .vector(let v): [v]
        case .batch(let b): b
        }
    }

    var isBatch: Bool {
        if case .batch = self { return true }
        return false
    }
}

extension Batch: Rows {
    var rows: [[Double]] { matrix.arrays }
    var isBatch: Bool { !isVector }
    var columns: Int { matrix.columns }
}

/// Checks that `out` has the same shape as `input` (vector for vector, k×n for k×n).
func checkSameShape(_ out: some Rows, _ input: some Rows, _ what: String, body: [UInt8]) {
    let rowsOut = out.rows.map(\.count)
    let rowsIn = input.rows.map(\.count)
    guard out.isBatch == input.isBatch, rowsOut == rowsIn else {
        fail("\(what) has shape \(rowsOut) (batch: \(out.isBatch)), input \(rowsIn)", body: body)
    }
}

/// Checks that every value is a probability.
func checkProbabilities(_ row: [Double], _ what: String, body: [UInt8]) {
    for p in row where !(p >= 0 && p <= 1) { fail("\(what): \(p) is not in [0, 1]", body: body) }
}

/// Checks a softmax row: probabilities that sum to 1 within 1e-12 and follow the order of the scores
/// (a larger score never has a smaller probability).
func checkSoftmaxRow(_ p: [Double], scores x: [Double], _ what: String, body: [UInt8]) {
    checkProbabilities(p, what, body: body)
    guard p.count == x.count else { fail("\(what): \(p.count) probabilities for \(x.count) scores", body: body) }
    let sum = p.reduce(0, +)
    if abs(sum - 1) > 1e-12 { fail("\(what) sums to \(sum)", body: body) }
    let order = x.indices.sorted { x[$0] < x[$1] }
    for (a, b) in zip(order, order.dropFirst()) where x[a] < x[b] && p[a] > p[b] {
        fail("\(what): score \(x[a]) < \(x[b]) but probability \(p[a]) > \(p[b])", body: body)
    }
}

/// Reference logistic function: plain libm, for a loose comparison.
func referenceSigmoid(_ x: Double) -> Double { x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)) }

/// True when `a` and `b` agree within `relative` of their size, or `absolute`.
func close(_ a: Double, _ b: Double, relative: Double = 1e-12, absolute: Double = 1e-300) -> Bool {
    abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}

/// W·x + b in the plainest way, with the bound Σ|w·x| + |b| that its error is measured against.
func referenceLinear(_ layer: LinearLayer, _ x: [Double]) -> [(value: Double, bound: Double)] {
    (0..<layer.weights.rows).map { i in
        var value = layer.bias?[i] ?? 0
        var bound = abs(value)
        for (w, v) in zip(layer.weights.row(i), x) {
            value += w * v
            bound += abs(w * v)
        }
        return (value, bound)
    }
}
