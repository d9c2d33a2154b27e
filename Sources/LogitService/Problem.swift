package import HTTPServer
package import HTTPTypes
import JSONCodec
package import LogitAPI
package import Routing

/// An error the service answers with an RFC 9457 problem (`application/problem+json`).
///
/// `detail` names the field and, for an element, its index path (`logits[1][2]: …`): the caller
/// must be able to see what to fix from the message alone.
package struct Problem: Error, Sendable, Equatable {
    package var status: HTTPResponse.Status
    package var detail: String

    package init(_ status: HTTPResponse.Status, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    /// 422: valid JSON that does not fit the endpoint.
    package static func unprocessable(_ detail: String) -> Problem { Problem(.unprocessableContent, detail) }

    /// The domain's refusal as HTTP: 400 for a body not in the format at all, 404 for a model that is not
    /// served, else 422.
    package init(_ error: APIError) {
        let status: HTTPResponse.Status =
            switch error.kind {
            case .malformed: .badRequest
            case .invalid: .unprocessableContent
            case .notFound: .notFound
            }
        self.init(status, error.detail)
    }

    package var response: Response { ErrorStyle.problem.render(status, detail) }
}

extension ErrorStyle {
    /// RFC 9457 `application/problem+json`: type, title, status and detail (API.md "Errors").
    package static let problem = ErrorStyle { status, detail in
        Response(
            status: status, contentType: "application/problem+json",
            body: encodedOrPlain(
                ProblemJSON(title: status.statusLinePhrase, status: status.code, detail: detail), detail))
    }

    /// The inference protocol's error body, `{"error": "..."}` (KServe V2 / Open Inference Protocol).
    package static let inferenceProtocol = ErrorStyle { status, detail in
        Response(
            status: status, contentType: "application/json", body: encodedOrPlain(ErrorJSON(error: detail), detail))
    }

    /// JSON for `value`; the detail as bytes in the impossible case that a String cannot be written.
    private static func encodedOrPlain(_ value: some Encodable, _ detail: String) -> [UInt8] {
        (try? encodeJSON(value)) ?? Array(detail.utf8)
    }
}

private struct ProblemJSON: Encodable {
    var type = "about:blank"
    var title: String
    var status: Int
    var detail: String
}

private struct ErrorJSON: Encodable {
    var error: String
}
