import HTTPServer
import Testing

@Suite struct RequestTests {
    @Test("a target splits into path and query at the first question mark, whatever else it holds")
    func pathAndQuery() {
        let cases: [(target: String, path: String, query: String?)] = [
            ("/softmax", "/softmax", nil),
            ("/softmax?x=1", "/softmax", "x=1"),
            ("/a?b?c", "/a", "b?c"),
            ("/x?", "/x", ""),
            ("?", "", ""),
            ("/caf\u{E9}/\u{1F600}?q=\u{FC}", "/caf\u{E9}/\u{1F600}", "q=\u{FC}"),
        ]
        for (target, path, query) in cases {
            let request = Request(method: .get, target: target)
            #expect(request.path == path[...], "\(target)")
            #expect(request.query == query?[...], "\(target)")
        }
    }
}
