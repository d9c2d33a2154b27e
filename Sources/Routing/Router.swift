package import HTTPServer
package import HTTPTypes

/// Answers a request from a table of path templates, each with a table of methods (as Hummingbird's
/// `RouterResponder` does). The route is resolved once per request into a `RouteMatch`; its template
/// goes back to the server in the `Reply`, so metrics and the access log label by it.
///
/// By construction, from the same method table the dispatch uses: HEAD runs GET's handler (the
/// server sends the head only), OPTIONS answers 204 with `Allow`, another method is 405 with
/// `Allow`, and an unknown path is 404. The router knows no error format: the 404 and 405 bodies
/// come from the `ErrorStyle` of the path's group (`setErrors(_:under:)`).
package struct Router: Sendable {
    /// Templates without parameters, by their exact path: one hash lookup for nearly every request.
    private var literals: [String: Route] = [:]
    /// Every template, segment by segment, for paths with parameters.
    private var trie = RouteNode()
    private var defaultErrors: ErrorStyle
    /// Route groups' error styles, the longest prefix first.
    private var groupErrors: [(prefix: String, style: ErrorStyle)] = []

    /// - Parameter errors: how 404 and 405 bodies are rendered outside any group.
    package init(errors: ErrorStyle) {
        defaultErrors = errors
    }

    /// Registers `handler` for `method` on `template`: segments split on `/`, each either literal or
    /// a whole-segment parameter `{name}` (`/v2/models/{model}/versions/{version}/infer`). A literal
    /// segment wins over a parameter at the same place (`/v2/health/live` beside `/v2/{x}/live`).
    /// A second registration of the same method and template replaces the first.
    package mutating func add(_ method: HTTPRequest.Method, _ template: String, _ handler: @escaping RouteHandler) {
        let segments = RouteNode.segments(of: template)
        precondition(
            segments.allSatisfy { !$0.hasPrefix("{") || ($0.hasSuffix("}") && $0.count > 2) },
            "a parameter is a whole segment {name}: \(template)")
        trie.insert(segments[...], template: template, method: method, handler: handler)
        if !template.contains("{"), let route = trie.route(atLiteral: segments[...]) {
            literals[template] = route
        }
    }

    /// Renders 404 and 405 for paths equal to `prefix` or under it (`/v2` covers `/v2/models/x`, not
    /// `/v2x`) with `style`; the longest matching prefix wins.
    package mutating func setErrors(_ style: ErrorStyle, under prefix: String) {
        groupErrors.removeAll { $0.prefix == prefix }
        groupErrors.append((prefix, style))
        groupErrors.sort { $0.prefix.utf8.count > $1.prefix.utf8.count }
    }

    /// The error style for `path`: its group's, or the router's default. The application uses it for
    /// the server's own errors too (`ServerConfiguration.errorResponse`).
    package func errors(for path: Substring) -> ErrorStyle {
        for (prefix, style) in groupErrors where path.hasPrefix(prefix) {
            let rest = path.utf8.dropFirst(prefix.utf8.count)
            if rest.isEmpty || rest.first == UInt8(ascii: "/") { return style }
        }
        return defaultErrors
    }

    /// The route `path` resolves to, with its parameters, or nil.
    package func match(_ path: Substring) -> RouteMatch? {
        if let route = literals[String(path)] { return RouteMatch(route: route, parameters: Parameters()) }
        var parameters = Parameters()
        guard let route = trie.resolve(path, parameters: &parameters) else { return nil }
        return RouteMatch(route: route, parameters: parameters)
    }

    /// The template `path` resolves to (`/models/{name}` for `/models/iris`), or nil.
    package func template(for path: Substring) -> String? { match(path)?.route.template }

    /// Resolves the request once and answers it: the route's handler, HEAD through GET, OPTIONS,
    /// 405 or 404.
    package func respond(to request: Request) -> Reply {
        let path = request.path
        guard let match = match(path) else {
            return Reply(.response(errors(for: path).render(.notFound, "no such path: \(path)")), route: nil)
        }
        let route = match.route
        if let handler = route.methods[request.method] ?? (request.method == .head ? route.methods[.get] : nil) {
            let context = RequestContext(request: request, route: route.template, parameters: match.parameters)
            return Reply(handler(context), route: route.template)
        }
        if request.method == .options {
            return Reply(
                .response(Response(status: .noContent, headers: [.allow: route.allow])), route: route.template)
        }
        var response = errors(for: path).render(
            .methodNotAllowed, "\(request.method) is not allowed on \(path); use \(route.allow)")
        response.headers[.allow] = route.allow
        return Reply(.response(response), route: route.template)
    }
}

/// What a route runs: the request with its route and parameters in, the response (or work to
/// offload, see `Outcome`) out.
package typealias RouteHandler = @Sendable (RequestContext) -> Outcome

/// How a group of routes writes its errors: `application/problem+json` for the native API,
/// `{"error": "..."}` for the inference protocol's `/v2`. The router and the server only pass the
/// status and the detail.
package struct ErrorStyle: Sendable {
    package let render: @Sendable (HTTPResponse.Status, String) -> Response

    package init(_ render: @escaping @Sendable (HTTPResponse.Status, String) -> Response) {
        self.render = render
    }
}

/// One registered template and its methods.
package struct Route: Sendable {
    package let template: String
    var methods: [HTTPRequest.Method: RouteHandler] = [:]
    /// The `Allow` value: the methods sorted, plus HEAD where GET exists, plus OPTIONS.
    var allow = "OPTIONS"

    init(template: String) {
        self.template = template
    }

    mutating func set(_ method: HTTPRequest.Method, _ handler: @escaping RouteHandler) {
        methods[method] = handler
        var names = Set(methods.keys.map(\.rawValue))
        if names.contains("GET") { names.insert("HEAD") }
        names.insert("OPTIONS")
        allow = names.sorted().joined(separator: ", ")
    }
}

/// A request's path resolved: its route and the values of the template's parameters.
package struct RouteMatch: Sendable {
    package let route: Route
    package let parameters: Parameters
}
