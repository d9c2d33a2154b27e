import Foundation
import HTTPServer
import HTTPTypes
import Testing

@testable import LogitService

/// Health, readiness, metrics and the served OpenAPI document.
@Suite struct OperationsTests {
    let client = ServiceClient()

    @Test func healthzIsOK() {
        let a = client.call(.get, "/healthz")
        #expect(a.status == 200)
        #expect(a.json["status"] as? String == "ok")
    }

    @Test func readyzTurns503WhenShutdownBegins() async {
        #expect(client.call(.get, "/readyz").json["status"] as? String == "ready")
        _ = await client.service.shutdown(grace: .zero)
        let a = client.call(.get, "/readyz")
        #expect(a.status == 503)
        #expect(a.contentType == "application/problem+json")
        #expect(client.call(.get, "/healthz").status == 200, "liveness stays up while draining")
    }

    @Test func metricsCountRequestsByRouteMethodAndStatus() {
        let metrics = client.service.metrics
        metrics.record(route: "/softmax", method: "POST", status: 200, duration: .microseconds(300))
        metrics.record(route: "/softmax", method: "POST", status: 200, duration: .milliseconds(3))
        metrics.record(route: "/softmax", method: "POST", status: 422, duration: .microseconds(50))
        // The same route, method or status again after another (each series is kept by all three).
        metrics.record(route: "/softmax", method: "POST", status: 200, duration: .microseconds(80))
        metrics.record(route: "/softmax", method: "GET", status: 200, duration: .microseconds(80))
        metrics.record(route: "/sigmoid", method: "GET", status: 200, duration: .microseconds(80))
        metrics.record(route: "unmatched", method: "BREW", status: 404, duration: .microseconds(50))
        metrics.record(route: "unmatched", method: "post", status: 404, duration: .microseconds(50))
        let text = String(decoding: metrics.exposition(openConnections: 7), as: UTF8.self)
        #expect(text.contains(#"http_requests_total{route="/softmax",method="POST",status="200"} 3"#))
        #expect(text.contains(#"http_requests_total{route="/softmax",method="POST",status="422"} 1"#))
        #expect(text.contains(#"http_requests_total{route="/softmax",method="GET",status="200"} 1"#))
        #expect(text.contains(#"http_requests_total{route="/sigmoid",method="GET",status="200"} 1"#))
        #expect(text.contains(#"http_requests_total{route="unmatched",method="other",status="404"} 2"#))
        #expect(text.contains(#"http_request_duration_seconds_count{route="/softmax",method="POST"} 4"#))
        #expect(text.contains(#"http_request_duration_seconds_count{route="/softmax",method="GET"} 1"#))
        #expect(text.contains(#"http_request_duration_seconds_count{route="/sigmoid",method="GET"} 1"#))
        #expect(text.contains("http_open_connections 7"))
        #expect(text.contains("http_requests_in_flight 0"))
    }

    @Test func servedOpenAPIDocumentIsTheFileAtTheTop() throws {
        let a = client.call(.get, "/openapi.yaml")
        #expect(a.status == 200)
        #expect(a.contentType == "application/yaml")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = try Data(contentsOf: root.appendingPathComponent("openapi.yaml"))
        #expect(a.body == Array(file), "rebuild: the embedded openapi.yaml differs from the file")
    }

    @Test func headIsLikeGetWithoutABody() {
        let get = client.call(.get, "/healthz")
        let head = client.call(.head, "/healthz")
        #expect(head.status == 200)
        // The router answers HEAD with GET's response; the server drops the body on the wire.
        #expect(head.body == get.body)
    }
}
