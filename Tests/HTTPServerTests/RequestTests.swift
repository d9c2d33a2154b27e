import HTTPServer
import HTTPTypes
import Testing

@Suite struct RequestTests {
    @Test("a target's path ends at the first question mark, whatever else it holds")
    func pathEndsAtTheQuery() {
        let cases: [(target: String, path: String)] = [
            ("/softmax", "/softmax"),
            ("/softmax?x=1", "/softmax"),
            ("/a?b?c", "/a"),
            ("/x?", "/x"),
            ("?", ""),
            ("/caf\u{E9}/\u{1F600}?q=\u{FC}", "/caf\u{E9}/\u{1F600}"),
        ]
        for (target, path) in cases {
            #expect(Request(method: .get, target: target).path == path[...], "\(target)")
            #expect(RequestHead(method: .get, target: target, headers: [:]).path == path[...], "\(target)")
        }
    }
}
