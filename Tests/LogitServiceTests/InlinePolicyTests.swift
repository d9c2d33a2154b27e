import HTTPServer
import HTTPTypes
import Logging
import LogitService
import Routing
import Testing

/// Which requests the service answers on the event loop and which it offloads to Dispatch's pool:
/// decided by what they cost, not by what their bodies look like.
struct InlinePolicyTests {
    let service = LogitService(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))

    private func inline(_ path: String, _ body: String, method: HTTPRequest.Method = .post) -> Bool {
        let reply = service.router.respond(to: Request(method: method, target: path, body: Array(body.utf8)))
        if case .response = reply.outcome { return true }
        return false
    }

    @Test func smallComputationsRunInline() {
        #expect(inline("/softmax", "[1, 2, 3]"))
        #expect(inline("/sigmoid", #"{"logits": [[1, 2], [3, 4]], "derivative": true}"#))
        #expect(inline("/classify", #"{"logits": [1, 2, 3], "labels": ["a", "b", "c"], "top_k": 2}"#))
        #expect(inline("/healthz", "", method: .get))
    }

    @Test func largeBodiesAreHandedOff() {
        let limit = ComputeRoutes.inlineBodyLimit
        #expect(!inline("/softmax", "[" + String(repeating: "0,", count: limit / 2) + "0]"))
        #expect(inline("/softmax", "[" + String(repeating: "0,", count: limit / 2 - 2) + "0]"))
    }

    /// A small layer is cheap wherever it is asked for; `weights` in the body is no reason to hop.
    @Test func smallLinearLayersRunInline() {
        #expect(inline("/linear", #"{"weights": [[1]], "input": [1]}"#))
        #expect(inline("/classify", #"{"weights": [[1], [2]], "input": [1]}"#))
    }

    /// k×m×n is what a layer costs: a body of a few KB can ask for millions of products.
    @Test func aSmallBodyAskingForALargeLayerIsHandedOff() {
        let rows = "[" + Array(repeating: "[1]", count: 1000).joined(separator: ",") + "]"
        let body = #"{"weights": \#(rows), "input": \#(rows)}"#
        #expect(body.utf8.count < ComputeRoutes.inlineBodyLimit)
        #expect(!inline("/linear", body))
        #expect(!inline("/classify", body))
    }

    /// Bad requests are refused where they were read: nothing is left to offload.
    @Test func refusalsAreAnsweredInline() {
        #expect(inline("/linear", #"{"weights": [[1]], "input": [1, 2]}"#))
        #expect(inline("/softmax", "not json"))
    }
}
