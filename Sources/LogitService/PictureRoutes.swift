import HTTPServer
import HTTPTypes
import LogitAPI
import LogitMath
import LogitModels
import Pictures

/// How a compute endpoint draws its answer when the client prefers `image/svg+xml` (API.md
/// "Pictures and the playground"): the picture is drawn from the same result the JSON answer encodes.
struct Drawing<In, Out>: Sendable {
    /// nil for a vector; for a batch, the 422's detail (a picture shows one vector).
    let refusal: @Sendable (In) -> String?
    let draw: @Sendable (In, Out) -> [UInt8]

    /// nil for a vector; for a batch, why it gets no picture.
    static func refusal(field: String, _ scores: Batch) -> String? {
        guard !scores.isVector else { return nil }
        return "\(field): a picture shows one vector, this is a batch of \(scores.matrix.rows) rows; "
            + "ask for application/json"
    }
}

extension Drawing where In == SigmoidRequest, Out == SigmoidResponse {
    static let sigmoid = Drawing(
        refusal: { refusal(field: "logits", $0.logits) },
        draw: { request, result in
            Pictures.sigmoid(
                logits: request.logits.matrix.elements, probabilities: result.probabilities.matrix.elements,
                derivatives: result.derivatives?.matrix.elements)
        })
}

extension Drawing where In == SoftmaxRequest, Out == SoftmaxResponse {
    static let softmax = Drawing(
        refusal: { refusal(field: "logits", $0.logits) },
        draw: { request, result in
            Pictures.softmax(
                logits: request.logits.matrix.elements, probabilities: result.probabilities.matrix.elements,
                temperature: request.temperature)
        })
}

extension Drawing where In == ClassifyRequest, Out == ClassifyResult {
    static let classify = Drawing(
        refusal: { request in
            switch request.scores {
            case .logits(let logits): refusal(field: "logits", logits)
            case .layer(let layer): refusal(field: "input", layer.input)
            case .model(_, let input, _): refusal(field: "input", input)
            }
        },
        draw: { request, result in
            // A vector's answer is `.single`; `refusal` turned batches away before the computation.
            guard case .single(let classification) = result else { preconditionFailure("a batch was drawn") }
            // A served model brings its own labels and threshold, which the request may override.
            var (labels, threshold) = (request.labels, request.threshold)
            if case .model(_, _, let model?) = request.scores {
                labels = request.labels ?? model.labels
                threshold = request.modelOptions.threshold ?? model.threshold
            }
            switch classification {
            case .softmax(_, let probabilities, let top):
                return Pictures.softmaxClassification(
                    probabilities: probabilities, labels: labels, top: top.map(\.class))
            case .sigmoid(let predictions, let probabilities, _):
                return Pictures.sigmoidClassification(
                    probabilities: probabilities, predictions: predictions, threshold: threshold, labels: labels)
            }
        })
}

enum PictureResponses {
    /// 200 with the SVG. A picture loads nothing and runs nothing, which its policy says, in case a
    /// browser opens it as a document.
    static func svg(_ bytes: [UInt8]) -> Response {
        Response(
            status: .ok, contentType: Negotiation.Representation.svg.mediaType, body: bytes,
            headers: [.contentSecurityPolicy: "default-src 'none'", .xContentTypeOptions: "nosniff"])
    }

    /// 406: the request's `Accept` allows neither JSON nor SVG.
    static func notAcceptable(_ accept: [String]) -> Response {
        let field = accept.joined(separator: ", ")
        return Problem(.notAcceptable, "Accept: \(field) allows neither application/json nor image/svg+xml").response
    }

    /// `outcome` with `Vary: Accept` on its response, however and wherever it is made.
    static func varyingByAccept(_ outcome: Outcome) -> Outcome {
        switch outcome {
        case .response(let response): return .response(varyingByAccept(response))
        case .offload(let work): return .offload { varyingByAccept(work()) }
        }
    }

    static func varyingByAccept(_ response: Response) -> Response {
        var response = response
        response.headers.append(.varyAccept)
        return response
    }
}

extension HTTPField {
    /// `Vary: Accept`, checked once rather than on every answer.
    static let varyAccept = HTTPField(name: .vary, value: "Accept")
}
