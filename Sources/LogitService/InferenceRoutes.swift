import HTTPServer
import HTTPTypes
import InferenceProtocol
import JSONCodec
package import LogitAPI
import LogitMath
package import LogitModels
package import Routing

/// The Open Inference Protocol's paths (API.md "Open Inference Protocol"): health, server and model
/// metadata, model readiness and inference, each model path with and without `/versions/{version}`.
/// Errors are `{"error": "..."}` (the `/v2` group's `ErrorStyle`): 400 for a bad request, 404 for an unknown
/// model or version, 503 while shutting down.
package enum InferenceRoutes {
    /// What the routes read from the service.
    package struct Environment: Sendable {
        /// The model set a request starts with (the registry's current one; a reload does not change it midway).
        package var models: @Sendable () -> ModelSet
        /// False once shutdown has begun.
        package var isReady: @Sendable () -> Bool
        /// `GET /v2`'s `version`.
        package var version: String
        /// Told how long each inference took (`logitd_model_requests_total`, `logitd_model_inference_seconds`).
        package var observer: InferenceObserver?

        package init(
            models: @escaping @Sendable () -> ModelSet, isReady: @escaping @Sendable () -> Bool, version: String,
            observer: InferenceObserver? = nil
        ) {
            self.models = models
            self.isReady = isReady
            self.version = version
            self.observer = observer
        }
    }

    package static func add(to router: inout Router, _ environment: Environment) {
        router.add(.get, "/v2") { _ in .response(json(ServerMetadata(version: environment.version))) }
        router.add(.get, "/v2/health/live") { _ in .response(json(LiveResponse(live: true))) }
        router.add(.get, "/v2/health/ready") { _ in
            let ready = environment.isReady()
            return .response(json(ReadyResponse(ready: ready), status: ready ? .ok : .serviceUnavailable))
        }
        for prefix in ["/v2/models/{model}", "/v2/models/{model}/versions/{version}"] {
            router.add(.get, prefix) { context in
                .response(
                    respond { () throws(InferenceError) in
                        let (model, versions) = try lookUp(context, in: environment.models())
                        return json(ModelMetadata(model: model, versions: versions))
                    })
            }
            router.add(.get, prefix + "/ready") { context in
                .response(
                    respond { () throws(InferenceError) in
                        let (model, _) = try lookUp(context, in: environment.models())
                        return json(ModelReadyResponse(name: model.name, ready: true))
                    })
            }
            router.add(.post, prefix + "/infer") { context in infer(context, environment) }
        }
    }

    static let inlineBodyLimit = ComputeRoutes.inlineBodyLimit
    static let inlineCostLimit = ComputeRoutes.inlineCostLimit

    /// The offload contract (docs/architecture.md): a body over `inlineBodyLimit` is handled on Dispatch's pool;
    /// a smaller one is decoded on the event loop, then computed there unless its rows × the model's weights
    /// cost more than `inlineCostLimit` products (a few rows against a 1000×2048 model is millions).
    private static func infer(_ context: RequestContext, _ environment: Environment) -> Outcome {
        let models = environment.models()
        guard context.request.body.count <= inlineBodyLimit else {
            return .offload {
                respond { () throws(InferenceError) in try infer(decode(context, models), environment.observer) }
            }
        }
        do {
            let (model, request) = try decode(context, models)
            let (cost, overflow) = request.rows.rows.multipliedReportingOverflow(by: model.weights.elements.count)
            guard !overflow, cost <= inlineCostLimit else {
                return .offload {
                    respond { () throws(InferenceError) in try infer((model, request), environment.observer) }
                }
            }
            return .response(
                respond { () throws(InferenceError) in try infer((model, request), environment.observer) })
        } catch {
            return .response(render(error))
        }
    }

    private static func decode(_ context: RequestContext, _ models: ModelSet) throws(InferenceError) -> (
        Model, InferenceRequest
    ) {
        let (model, _) = try lookUp(context, in: models)
        let length = try InferenceRequest.headerLength(context.request.headers[.inferenceHeaderContentLength])
        return (model, try InferenceRequest(body: context.request.body, headerLength: length))
    }

    private static func infer(
        _ decoded: (Model, InferenceRequest), _ observer: InferenceObserver?
    ) throws(InferenceError) -> Response {
        let (model, request) = decoded
        let start = inferenceClock()
        let response = try model.infer(request)
        observer?(model, inferenceClock() &- start)
        return encoded(response)
    }

    /// The model the path names: its latest version, or `{version}`'s; with every version of its name.
    static func lookUp(_ context: RequestContext, in models: ModelSet) throws(InferenceError) -> (Model, [Int]) {
        let name: String
        do {
            name = try context.parameters.require("model")
        } catch {
            throw .badRequest(error.description)
        }
        guard let versions = models.versions(of: name) else { throw .notFound("no model named \"\(name)\"") }
        let all = versions.versions.map(\.version)
        guard context.parameters.names.contains("version") else { return (versions.latest, all) }
        let text = (try? context.parameters.require("version")) ?? ""
        guard let number = Int(text), number > 0, let model = versions.version(number) else {
            throw .notFound(
                "model \"\(name)\" has no version \"\(text)\"; it has " + all.map(String.init).joined(separator: ", "))
        }
        return (model, all)
    }

    /// The response of `body`, or its error as `{"error": ...}` with its status.
    static func respond(_ body: () throws(InferenceError) -> Response) -> Response {
        do {
            return try body()
        } catch {
            return render(error)
        }
    }

    static func render(_ error: InferenceError) -> Response {
        ErrorStyle.inferenceProtocol.render(error.kind == .notFound ? .notFound : .badRequest, error.message)
    }

    /// The inference response: JSON, or binary with its header length (API.md: binary outputs carry
    /// `Inference-Header-Content-Length` and `Content-Type: application/octet-stream`).
    static func encoded(_ response: InferenceResponse) -> Response {
        let (body, headerLength) = response.encoded()
        guard let headerLength else { return Response(status: .ok, headers: .json, body: body) }
        return Response(
            status: .ok, contentType: "application/octet-stream", body: body,
            headers: [.inferenceHeaderContentLength: String(headerLength)])
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        var response = jsonResponse(value)
        if response.status == .ok { response.status = status }
        return response
    }
}

extension HTTPField.Name {
    /// The length of the JSON header before binary tensor data (the protocol's binary extension).
    static let inferenceHeaderContentLength = HTTPField.Name("Inference-Header-Content-Length")!
}
