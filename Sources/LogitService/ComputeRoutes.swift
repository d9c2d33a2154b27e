import HTTPServer
import HTTPTypes
import JSONCodec
package import LogitAPI
package import LogitModels
package import Routing

/// The compute endpoints (API.md "Endpoints") as routes: what the service registers, and what the
/// endpoint fuzz targets drive without the runtime (metrics, logging, sockets).
package enum ComputeRoutes {
    /// Bodies up to this size are decoded on the event loop (about 0.1 ms for 64 KiB of numbers);
    /// larger ones are decoded, computed and answered on Dispatch's pool.
    package static let inlineBodyLimit = 65_536
    /// Requests whose computation costs more than this many element operations (`ComputeRequest.cost`:
    /// m×n×k for a linear layer) are computed and answered on Dispatch's pool, so a small body that
    /// asks for a large layer cannot hold up the loop's other connections.
    package static let inlineCostLimit = 131_072

    /// Registers `/sigmoid`, `/softmax`, `/linear` and `/classify`; all but `/linear` also answer with a
    /// picture (`Accept: image/svg+xml`). A request that names a served model is resolved against `models` as
    /// the set is when the request is decoded, and keeps that model to its end, whatever a reload does
    /// meanwhile; `observer` is told each model's inference time.
    package static func add(
        to router: inout Router, models: ModelRegistry = ModelRegistry(), observer: InferenceObserver? = nil
    ) {
        router.add(
            .post, "/sigmoid", compute(models, drawing: .sigmoid) { (r: SigmoidRequest) in Operations.sigmoid(r) })
        router.add(
            .post, "/softmax",
            compute(models, drawing: .softmax) { (r: SoftmaxRequest) throws(APIError) in try Operations.softmax(r) })
        router.add(
            .post, "/linear",
            compute(models) { (r: LinearRequest) throws(APIError) in try Operations.linear(r, observer: observer) })
        router.add(
            .post, "/classify",
            compute(models, drawing: .classify) { (r: ClassifyRequest) throws(APIError) in
                try Operations.classify(r, observer: observer)
            })
    }

    /// A JSON endpoint that also answers with a picture when the request's `Accept` prefers SVG
    /// (`Negotiation`): 406 when it allows neither, and `Vary: Accept` on every answer, since the same
    /// request can be answered either way.
    static func compute<In: ComputeRequest, Out: Encodable & SendableMetatype>(
        _ models: ModelRegistry, drawing: Drawing<In, Out>, _ body: @escaping @Sendable (In) throws(APIError) -> Out
    ) -> RouteHandler {
        let json = compute(models, body)
        return { context in
            let accept = context.request.headers.values(for: .accept)
            switch Negotiation.representation(accept: accept) {
            case .json: return PictureResponses.varyingByAccept(json(context))
            case .svg: return PictureResponses.varyingByAccept(picture(context.request, models, drawing, body))
            case nil: return .response(PictureResponses.varyingByAccept(PictureResponses.notAcceptable(accept)))
            }
        }
    }

    /// The SVG answer, where the JSON one would be made (on the loop, or offloaded by size and cost).
    private static func picture<In: ComputeRequest, Out>(
        _ request: Request, _ models: ModelRegistry, _ drawing: Drawing<In, Out>,
        _ body: @escaping @Sendable (In) throws(APIError) -> Out
    ) -> Outcome {
        @Sendable func draw(_ input: In) -> Response {
            if let refusal = drawing.refusal(input) { return Problem.unprocessable(refusal).response }
            do throws(APIError) {
                return PictureResponses.svg(drawing.draw(input, try body(input)))
            } catch {
                return Problem(error).response
            }
        }
        guard request.body.count <= inlineBodyLimit else {
            return .offload {
                do throws(Problem) { return draw(try decode(request, models)) } catch { return error.response }
            }
        }
        do throws(Problem) {
            let input: In = try decode(request, models)
            guard input.cost <= inlineCostLimit else { return .offload { draw(input) } }
            return .response(draw(input))
        } catch {
            return .response(error.response)
        }
    }

    /// A JSON endpoint: the content type checked, the body decoded into `In`, `body` run, its
    /// result encoded; every failure becomes a problem with the status API.md gives it.
    ///
    /// Where it runs (the offload contract, see `Outcome`): a body over `inlineBodyLimit` is handled
    /// entirely on Dispatch's pool; a smaller one is decoded on the event loop, then computed there
    /// unless its `cost` is over `inlineCostLimit`.
    static func compute<In: ComputeRequest, Out: Encodable & SendableMetatype>(
        _ models: ModelRegistry, _ body: @escaping @Sendable (In) throws(APIError) -> Out
    ) -> RouteHandler {
        { context in
            let request = context.request
            guard request.body.count <= inlineBodyLimit else {
                return .offload { answer(request, models, body) }
            }
            do throws(Problem) {
                let input: In = try decode(request, models)
                guard input.cost <= inlineCostLimit else { return .offload { answer(input, body) } }
                return .response(answer(input, body))
            } catch {
                return .response(error.response)
            }
        }
    }

    /// The request decoded, and resolved against the models as they are now.
    private static func decode<In: ComputeRequest>(_ request: Request, _ models: ModelRegistry) throws(Problem) -> In {
        try ContentType.check(request)
        do throws(APIError) {
            // Parsed, then read or decoded here, where `In` is known (see `JSONWire.parse`).
            let wire = JSONWire()
            let document = try wire.parse(request.body)
            var input: In
            if let read = In.read(document.root) {
                input = read
            } else {
                input = try wire.decode(In.self, document)
            }
            try input.resolve(models.current)
            return input
        } catch {
            throw Problem(error)
        }
    }

    private static func answer<In: ComputeRequest, Out: Encodable>(
        _ request: Request, _ models: ModelRegistry, _ body: (In) throws(APIError) -> Out
    ) -> Response {
        do throws(Problem) {
            return answer(try decode(request, models) as In, body)
        } catch {
            return error.response
        }
    }

    private static func answer<In, Out: Encodable>(_ input: In, _ body: (In) throws(APIError) -> Out) -> Response {
        do throws(APIError) {
            return jsonResponse(try body(input))
        } catch {
            return Problem(error).response
        }
    }
}

/// 200 with `value` as JSON; an encoding failure (a non-finite number slipped through) is a 500.
/// The compute answers write their own JSON (`JSONWritable`); the type tests are comparisons of
/// metadata pointers, where `as? any JSONWritable` was a conformance lookup on every answer.
func jsonResponse<Value: Encodable>(_ value: Value) -> Response {
    do {
        let body: [UInt8]
        if Value.self == SoftmaxResponse.self {
            body = try encodeJSON(unsafeBitCast(value, to: SoftmaxResponse.self))
        } else if Value.self == SigmoidResponse.self {
            body = try encodeJSON(unsafeBitCast(value, to: SigmoidResponse.self))
        } else if Value.self == LinearResponse.self {
            body = try encodeJSON(unsafeBitCast(value, to: LinearResponse.self))
        } else if Value.self == ClassifyResult.self {
            body = try encodeJSON(unsafeBitCast(value, to: ClassifyResult.self))
        } else {
            body = try encodeJSON(value)
        }
        return Response(status: .ok, headers: .json, body: body)
    } catch {
        return Problem(.internalServerError, "the result could not be written as JSON: \(error)").response
    }
}

extension HTTPFields {
    /// `Content-Type: application/json`, made once. An answer that starts from it copies a
    /// reference; setting the field anew checks the name and value again on every answer
    /// (docs/architecture.md, "Header fields").
    static let json: HTTPFields = [.contentType: "application/json"]
}
