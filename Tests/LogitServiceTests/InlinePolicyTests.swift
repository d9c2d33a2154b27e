import HTTPServer
import LogitService
import Testing

/// Which requests the service answers on the event loop and which it hands to Dispatch's pool.
struct InlinePolicyTests {
    private func inline(_ path: String, _ body: String) -> Bool {
        LogitService.runsInline(Request(method: .post, target: path, body: Array(body.utf8)))
    }

    @Test func smallComputationsRunInline() {
        #expect(inline("/softmax", "[1, 2, 3]"))
        #expect(inline("/sigmoid", #"{"logits": [[1, 2], [3, 4]], "derivative": true}"#))
        #expect(inline("/classify", #"{"logits": [1, 2, 3], "labels": ["a", "b", "c"], "top_k": 2}"#))
        #expect(inline("/healthz", ""))
    }

    @Test func largeBodiesAreHandedOff() {
        let limit = LogitService.inlineBodyLimit
        let numbers = String(repeating: "0,", count: limit / 2)
        #expect(!inline("/softmax", "[" + numbers + "0]"))
        #expect(inline("/softmax", "[" + String(repeating: "0,", count: limit / 2 - 2) + "0]"))
    }

    /// A layer's answer can be thousands of times its request, so it never runs on the loop.
    @Test func linearLayersAreHandedOff() {
        #expect(!inline("/linear", #"{"weights": [[1]], "input": [1]}"#))
        #expect(!inline("/classify", #"{"weights": [[1], [2]], "input": [1]}"#))
        #expect(!inline("/classify", #"{"w\u0065ights": [[1], [2]], "input": [1]}"#))
    }
}
