import HTTPServer
import HTTPTypes
import Routing
import Testing

/// Renders an error as `STYLE STATUS DETAIL`, so a test can see which style answered.
func style(_ name: String) -> ErrorStyle {
    ErrorStyle { status, detail in
        Response(status: status, contentType: "text/x-\(name)", body: Array("\(name) \(status.code) \(detail)".utf8))
    }
}

func text(_ s: String) -> Outcome { .response(Response(status: .ok, body: Array(s.utf8))) }

struct RouterTests {
    let router: Router = {
        var router = Router(errors: style("native"))
        router.add(.post, "/softmax") { _ in text("softmax") }
        router.add(.get, "/healthz") { _ in text("ok") }
        router.add(.post, "/both") { _ in text("post") }
        router.add(.get, "/both") { _ in text("get") }
        router.add(.get, "/models/{name}") { c in text("model \(c.parameters[raw: "name"]!)") }
        router.add(.get, "/v2/health/live") { _ in text("live") }
        router.add(.get, "/v2/models/{model}") { c in text("v2 model \(c.parameters[raw: "model"]!)") }
        router.add(.post, "/v2/models/{model}/versions/{version}/infer") { c in
            text("infer \(c.parameters[raw: "model"]!) \(c.parameters[raw: "version"]!) \(c.route)")
        }
        router.add(.get, "/v2/{x}/live") { c in text("param live \(c.parameters[raw: "x"]!)") }
        router.setErrors(style("oip"), under: "/v2")
        return router
    }()

    func reply(_ method: HTTPRequest.Method, _ target: String) -> Reply {
        router.respond(to: Request(method: method, target: target, headers: ["Host": "x"]))
    }

    func respond(_ method: HTTPRequest.Method, _ target: String) -> Response {
        guard case .response(let response) = reply(method, target).outcome else {
            Issue.record("offloaded")
            return Response(status: .internalServerError)
        }
        return response
    }

    func bodyText(_ method: HTTPRequest.Method, _ target: String) -> String {
        String(decoding: respond(method, target).body, as: UTF8.self)
    }

    @Test func dispatchesOnMethodAndExactPath() {
        #expect(bodyText(.post, "/softmax") == "softmax")
        #expect(bodyText(.get, "/both") == "get")
        #expect(bodyText(.post, "/both") == "post")
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
        ("/models/iris", "GET, HEAD, OPTIONS"),
    ])
    func optionsAnswers204WithAllow(path: String, allow: String) {
        let response = respond(.options, path)
        #expect(response.status == .noContent)
        #expect(response.headers[.allow] == allow)
        #expect(response.body.isEmpty)
    }

    @Test func wrongMethodIs405InTheGroupsStyleWithAllow() {
        let response = respond(.get, "/softmax")
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers[.allow] == "OPTIONS, POST")
        #expect(response.headers[.contentType] == "text/x-native")
        let v2 = respond(.post, "/v2/models/m")
        #expect(v2.status == .methodNotAllowed)
        #expect(v2.headers[.allow] == "GET, HEAD, OPTIONS")
        #expect(v2.headers[.contentType] == "text/x-oip")
    }

    @Test func headWithoutGetIs405() {
        #expect(respond(.head, "/softmax").status == .methodNotAllowed)
    }

    @Test func unknownMethodTokenIs405NotACrash() {
        #expect(respond(HTTPRequest.Method("BREW")!, "/healthz").status == .methodNotAllowed)
    }

    @Test(arguments: ["/nope", "/softmax/", "/SOFTMAX", "", "/healthz/extra", "/models/", "/models/a/b", "/v2x"])
    func unknownPathIs404InTheDefaultStyle(path: String) {
        let response = respond(.get, path)
        #expect(response.status == .notFound)
        #expect(response.headers[.contentType] == "text/x-native")
        #expect(reply(.get, path).route == nil)
    }

    @Test(arguments: ["/v2", "/v2/nope", "/v2/models/m/versions"])
    func unknownPathUnderAGroupIs404InTheGroupsStyle(path: String) {
        let response = respond(.get, path)
        #expect(response.status == .notFound)
        #expect(response.headers[.contentType] == "text/x-oip")
    }

    @Test func parametersAreCapturedAndTheTemplateReported() {
        #expect(bodyText(.get, "/models/iris") == "model iris")
        #expect(reply(.get, "/models/iris").route == "/models/{name}")
        #expect(
            bodyText(.post, "/v2/models/m1/versions/7/infer?x=1")
                == "infer m1 7 /v2/models/{model}/versions/{version}/infer")
    }

    @Test func aLiteralSegmentWinsOverAParameterAndTheParameterStillMatchesTheRest() {
        #expect(bodyText(.get, "/v2/health/live") == "live")
        #expect(reply(.get, "/v2/health/live").route == "/v2/health/live")
        #expect(bodyText(.get, "/v2/other/live") == "param live other")
        #expect(bodyText(.get, "/v2/models/live") == "v2 model live")
    }

    @Test func aLiteralBranchThatFailsDeeperFallsBackToTheParameter() {
        var router = Router(errors: style("x"))
        router.add(.get, "/a/b/c") { _ in text("literal") }
        router.add(.get, "/a/{p}/d") { c in text("param \(c.parameters[raw: "p"]!)") }
        let reply = router.respond(to: Request(method: .get, target: "/a/b/d"))
        guard case .response(let response) = reply.outcome else {
            Issue.record("offloaded")
            return
        }
        #expect(String(decoding: response.body, as: UTF8.self) == "param b")
        #expect(reply.route == "/a/{p}/d")
        #expect(router.match("/a/b/c")?.parameters == Parameters())
    }

    @Test func templateIsTheRegisteredTemplateOrNil() {
        #expect(router.template(for: "/softmax") == "/softmax")
        #expect(router.template(for: "/models/x") == "/models/{name}")
        #expect(router.template(for: "/random-\(Int.random(in: 0..<1000))") == nil)
    }

    @Test func laterRegistrationReplacesEarlier() {
        var router = Router(errors: style("native"))
        router.add(.get, "/x") { _ in .response(Response(status: .ok)) }
        router.add(.get, "/x") { _ in .response(Response(status: .noContent)) }
        guard case .response(let response) = router.respond(to: Request(method: .get, target: "/x")).outcome else {
            Issue.record("offloaded")
            return
        }
        #expect(response.status == .noContent)
    }

    @Test func errorsForAPathFollowTheLongestGroupPrefix() {
        var router = Router(errors: style("a"))
        router.setErrors(style("b"), under: "/v2")
        router.setErrors(style("c"), under: "/v2/models")
        func name(_ path: Substring) -> String {
            router.errors(for: path).render(.notFound, "").headers[.contentType] ?? ""
        }
        #expect(name("/v1") == "text/x-a")
        #expect(name("/v2") == "text/x-b")
        #expect(name("/v2/x") == "text/x-b")
        #expect(name("/v2/models/m") == "text/x-c")
        #expect(name("/v2modelsx") == "text/x-a")
    }
}

struct ParametersTests {
    func parameters(_ pairs: [(String, String)]) -> Parameters {
        var router = Router(errors: style("x"))
        let template = "/" + pairs.map { "{\($0.0)}" }.joined(separator: "/")
        router.add(.get, template) { _ in .response(Response(status: .ok)) }
        return router.match(("/" + pairs.map(\.1).joined(separator: "/"))[...])!.parameters
    }

    @Test func typedAccessConvertsOrNamesTheParameterAndValue() throws {
        let p = parameters([("model", "iris"), ("version", "3")])
        #expect(try p.require("version", as: Int.self) == 3)
        #expect(try p.require("model") == "iris")
        #expect(throws: ParameterError(name: "model", value: "iris", expected: "Int")) {
            try p.require("model", as: Int.self)
        }
        let error = ParameterError(name: "model", value: "iris", expected: "Int")
        #expect(error.description == #"path parameter model: "iris" is not Int"#)
    }

    @Test func aMissingParameterIsAClearError() {
        let p = parameters([("model", "iris")])
        #expect(throws: ParameterError(name: "nope", value: nil, expected: "a value")) { try p.require("nope") }
    }

    @Test func valuesArePercentDecodedOnAccess() throws {
        let p = parameters([("model", "a%2Fb%20c"), ("bad", "x%2")])
        #expect(p[raw: "model"] == "a%2Fb%20c")
        #expect(try p.require("model") == "a/b c")
        #expect(throws: ParameterError.self) { try p.require("bad") }
    }
}
