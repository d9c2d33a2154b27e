/// Answers a request from a table of exact paths, each with a table of methods (as Hummingbird's
/// `EndpointResponder` does). The method table is what makes the 405's `Allow` header and OPTIONS
/// correct by construction: both are read from the same keys the dispatch uses.
package struct Router: Sendable {
    private var routes: [String: [Method: Handler]] = [:]

    package init() {}

    /// Registers `handler` for `method` on the exact `path` (no patterns; the query is ignored when
    /// matching). A second registration of the same pair replaces the first.
    package mutating func add(_ method: Method, _ path: String, _ handler: @escaping Handler) {
        routes[path, default: [:]][method] = handler
    }

    /// Dispatches on the exact path: HEAD runs GET's handler (the server then sends the headers,
    /// the GET body's `Content-Length` included, and no body); OPTIONS answers 204 with `Allow`;
    /// a known path with another method is 405 with `Allow`; an unknown path is 404.
    package func respond(to request: Request) -> Response {
        guard let methods = routes[String(request.path)] else {
            return Response.problem(.notFound, detail: "no such path: \(request.path)")
        }
        if let handler = methods[request.method] {
            return handler(request)
        }
        if request.method == .head, let get = methods[.get] {
            return get(request)
        }
        let allow = Router.allowList(methods)
        if request.method == .options {
            return Response(status: .noContent, headers: ["Allow": allow])
        }
        return Response.problem(
            .methodNotAllowed, detail: "\(request.method) is not allowed on \(request.path); use \(allow)",
            headers: ["Allow": allow])
    }

    /// The registered path (the route template) for `path`, or nil: metrics label by this, so a
    /// client probing random paths cannot create unbounded label values.
    package func routeTemplate(for path: Substring) -> String? {
        let key = String(path)
        return routes[key] == nil ? nil : key
    }

    /// The `Allow` value for a path: its methods sorted, plus HEAD where GET exists, plus OPTIONS.
    private static func allowList(_ methods: [Method: Handler]) -> String {
        var names = Set(methods.keys.map(\.rawValue))
        if names.contains("GET") { names.insert("HEAD") }
        names.insert("OPTIONS")
        return names.sorted().joined(separator: ", ")
    }
}
