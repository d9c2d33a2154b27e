import Foundation
import HTTPServer
import HTTPTypes
import Logging
import LogitModels
import LogitService
import Routing
import TestSupport
import Testing

/// In-process calls: a request value into the service's router, a response value out (no socket).
struct ServiceClient {
    let service: LogitService

    init(models: ModelSet = ModelSet()) {
        service = LogitService(
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), models: ModelRegistry(models))
    }

    struct Answer {
        var status: Int
        var headers: HTTPFields
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        /// The body parsed by Foundation's JSONDecoder (an independent parser that reads numbers
        /// exactly; JSONSerialization's NSNumbers are off by an ulp or two).
        var json: [String: Any] {
            AnyJSON.object(body)
        }
        var detail: String { json["detail"] as? String ?? "" }
        var contentType: String { headers[.contentType] ?? "" }
    }

    func post(
        _ path: String, _ body: String, contentType: String? = "application/json", headers: Headers = [:]
    ) -> Answer {
        call(.post, path, body, contentType: contentType, headers: headers)
    }

    func call(
        _ method: HTTPRequest.Method = .post, _ path: String, _ body: String = "",
        contentType: String? = "application/json", headers extra: Headers = [:]
    ) -> Answer {
        var headers: Headers = ["Host": "localhost"]
        if let contentType { headers.add("Content-Type", contentType) }
        for field in extra { headers.add(field.name, field.value) }
        let reply = service.router.respond(
            to: Request(method: method, target: path, headers: headers, body: Array(body.utf8)))
        let response =
            switch reply.outcome {
            case .response(let response): response
            case .offload(let work): work()
            }
        return Answer(status: response.status.code, headers: response.headers, body: response.body)
    }
}

func rows(_ value: Any?) -> [[Double]] {
    (value as? [Any] ?? []).map(doubles)
}

/// The seed's logits, from the article this service starts from.
let seed = [0.49671415, -0.1382643, 0.64768854, 1.52302986, -0.23415337]
let seedJSON = "[0.49671415, -0.1382643, 0.64768854, 1.52302986, -0.23415337]"
