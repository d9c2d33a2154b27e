import HTTPServer
import HTTPTypes

/// A segment trie of templates (after Hummingbird 2's `RouterTrie`): each node has literal children
/// by segment text and at most one parameter child. Resolution prefers the literal child and falls
/// back to the parameter, so `/v2/health/live` and `/v2/{x}/live` both resolve as written.
struct RouteNode: Sendable {
    private var literal: [String: RouteNode] = [:]
    private var parameterName: String?
    /// Zero or one node (an array, since a struct cannot hold an optional of itself).
    private var parameterChild: [RouteNode] = []
    private(set) var route: Route?

    /// `/a/{b}/` → ["a", "{b}", ""]: empty segments count, so `/softmax/` is not `/softmax`.
    static func segments(of path: String) -> [String] {
        guard path.hasPrefix("/") else { return [path] }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    }

    mutating func insert(
        _ segments: ArraySlice<String>, template: String, method: HTTPRequest.Method, handler: @escaping RouteHandler
    ) {
        guard let first = segments.first else {
            if route == nil { route = Route(template: template) }
            route!.set(method, handler)
            return
        }
        if first.hasPrefix("{") {
            let name = String(first.dropFirst().dropLast())
            precondition(
                parameterName == nil || parameterName == name,
                "two names for one parameter segment: {\(parameterName ?? "")} and {\(name)} in \(template)")
            parameterName = name
            if parameterChild.isEmpty { parameterChild = [RouteNode()] }
            parameterChild[0].insert(segments.dropFirst(), template: template, method: method, handler: handler)
        } else {
            literal[first, default: RouteNode()].insert(
                segments.dropFirst(), template: template, method: method, handler: handler)
        }
    }

    /// The route at the end of a template made only of literal segments.
    func route(atLiteral segments: ArraySlice<String>) -> Route? {
        guard let first = segments.first else { return route }
        return literal[first]?.route(atLiteral: segments.dropFirst())
    }

    /// The route `path` resolves to, its parameters appended to `parameters`.
    func resolve(_ path: Substring, parameters: inout Parameters) -> Route? {
        guard path.utf8.first == UInt8(ascii: "/") else { return nil }
        return resolve(rest: path.dropFirst(), parameters: &parameters)
    }

    /// `rest` is what follows a `/`: the next segment, then possibly `/` and more.
    private func resolve(rest: Substring, parameters: inout Parameters) -> Route? {
        let end = rest.utf8.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
        let segment = rest[..<end]
        let last = end == rest.endIndex
        if let child = literal[String(segment)] {
            let found =
                last ? child.route : child.resolve(rest: rest[rest.utf8.index(after: end)...], parameters: &parameters)
            if let found { return found }
        }
        if let name = parameterName, !segment.isEmpty {
            parameters.append(name, segment)
            let child = parameterChild[0]
            let found =
                last ? child.route : child.resolve(rest: rest[rest.utf8.index(after: end)...], parameters: &parameters)
            if let found { return found }
            parameters.removeLast()
        }
        return nil
    }
}
