import HTTPServer
import Testing

struct RouterTests {
    let router: Router = {
        var router = Router()
        router.add(.post, "/softmax") { _ in Response(status: .ok, body: Array("softmax".utf8)) }
        router.add(.get, "/healthz") { _ in Response(status: .ok, body: Array("ok".utf8)) }
        router.add(.post, "/both") { _ in Response(status: .ok, body: Array("post".utf8)) }
        router.add(.get, "/both") { _ in Response(status: .ok, body: Array("get".utf8)) }
        return router
    }()

    func respond(_ method: Method, _ target: String) -> Response {
        router.respond(to: Request(method: method, target: target, headers: ["Host": "x"]))
    }

    @Test func dispatchesOnMethodAndExactPath() {
        #expect(respond(.post, "/softmax").body == Array("softmax".utf8))
        #expect(respond(.get, "/both").body == Array("get".utf8))
        #expect(respond(.post, "/both").body == Array("post".utf8))
    }

    @Test func ignoresTheQuery() {
        #expect(respond(.get, "/healthz?verbose=1").status == .ok)
    }

    @Test func headRunsTheGetHandler() {
        let response = respond(.head, "/healthz")
        #expect(response.status == .ok)
        #expect(response.body == Array("ok".utf8))  // the server, not the router, drops the body
    }

    @Test(arguments: [
        ("/softmax", "OPTIONS, POST"),
        ("/healthz", "GET, HEAD, OPTIONS"),
        ("/both", "GET, HEAD, OPTIONS, POST"),
    ])
    func optionsAnswers204WithAllow(path: String, allow: String) {
        let response = respond(.options, path)
        #expect(response.status == .noContent)
        #expect(response.headers["Allow"] == allow)
        #expect(response.body.isEmpty)
    }

    @Test func wrongMethodIs405ProblemWithAllow() {
        let response = respond(.get, "/softmax")
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers["Allow"] == "OPTIONS, POST")
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(String(decoding: response.body, as: UTF8.self).contains(#""status":405"#))
    }

    @Test func headWithoutGetIs405() {
        #expect(respond(.head, "/softmax").status == .methodNotAllowed)
    }

    @Test func unknownMethodTokenIs405NotACrash() {
        #expect(respond(Method("BREW"), "/healthz").status == .methodNotAllowed)
    }

    @Test(arguments: ["/nope", "/softmax/", "/SOFTMAX", "", "/healthz/extra"])
    func unknownPathIs404Problem(path: String) {
        let response = respond(.get, path)
        #expect(response.status == .notFound)
        #expect(response.headers["Content-Type"] == "application/problem+json")
    }

    @Test func routeTemplateIsTheRegisteredPathOrNil() {
        #expect(router.routeTemplate(for: "/softmax") == "/softmax")
        #expect(router.routeTemplate(for: "/random-\(Int.random(in: 0..<1000))") == nil)
    }

    @Test func laterRegistrationReplacesEarlier() {
        var router = Router()
        router.add(.get, "/x") { _ in Response(status: .ok) }
        router.add(.get, "/x") { _ in Response(status: .noContent) }
        #expect(router.respond(to: Request(method: .get, target: "/x")).status == .noContent)
    }
}
