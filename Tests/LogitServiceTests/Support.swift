import Foundation
import HTTPServer
import Logging
import LogitService
import Testing

/// In-process calls: a request value into the service's router, a response value out (no socket).
struct ServiceClient {
    let service = LogitService(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))

    struct Answer {
        var status: Int
        var headers: Headers
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        /// The body parsed by Foundation's JSONDecoder (an independent parser that reads numbers
        /// exactly; JSONSerialization's NSNumbers are off by an ulp or two).
        var json: [String: Any] {
            (try? JSONDecoder().decode(AnyJSON.self, from: Data(body)))?.value as? [String: Any] ?? [:]
        }
        var detail: String { json["detail"] as? String ?? "" }
        var contentType: String { headers["Content-Type"] ?? "" }
    }

    func post(_ path: String, _ body: String, contentType: String? = "application/json") -> Answer {
        call(.post, path, body, contentType: contentType)
    }

    func call(
        _ method: HTTPServer.Method = .post, _ path: String, _ body: String = "",
        contentType: String? = "application/json"
    ) -> Answer {
        var headers: Headers = ["Host": "localhost"]
        if let contentType { headers.add("Content-Type", contentType) }
        let response = service.router.respond(
            to: Request(method: method, target: path, headers: headers, body: Array(body.utf8)))
        return Answer(status: response.status.code, headers: response.headers, body: response.body)
    }
}

/// Any JSON value as Swift values: integers as Int, other numbers as Double, null as NSNull.
struct AnyJSON: Decodable {
    var value: Any

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            value = NSNull()
        } else if let b = try? c.decode(Bool.self) {
            value = b
        } else if let i = try? c.decode(Int.self) {
            value = i
        } else if let d = try? c.decode(Double.self) {
            value = d
        } else if let s = try? c.decode(String.self) {
            value = s
        } else if let a = try? c.decode([AnyJSON].self) {
            value = a.map(\.value)
        } else {
            value = try c.decode([String: AnyJSON].self).mapValues(\.value)
        }
    }
}

/// A number of the answer as a Double.
func number(_ value: Any?) -> Double? {
    (value as? Double) ?? (value as? Int).map(Double.init)
}

/// A JSON array of numbers as Doubles (NaN marks an element that is not a number).
func doubles(_ value: Any?) -> [Double] {
    (value as? [Any] ?? []).map { number($0) ?? .nan }
}

func rows(_ value: Any?) -> [[Double]] {
    (value as? [Any] ?? []).map(doubles)
}

/// The seed's logits, from the article this service starts from.
let seed = [0.49671415, -0.1382643, 0.64768854, 1.52302986, -0.23415337]
let seedJSON = "[0.49671415, -0.1382643, 0.64768854, 1.52302986, -0.23415337]"
