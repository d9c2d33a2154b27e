import Foundation
import HTTPTestSupport
import Testing
import Yams

/// The user documentation in docs/ says what the built service does.
@Suite struct DocumentationTests {
    /// The repository's root, from this file's place in it (Tests/IntegrationTests/).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The rows of the first Markdown table after `heading`, each split into its cells.
    static func table(after heading: String, in text: String) throws -> [[String]] {
        let start = try #require(text.range(of: "\n\(heading)\n"), "no \(heading)")
        let rows = text[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
            .drop(while: { !$0.hasPrefix("|") }).prefix(while: { $0.hasPrefix("|") })
        return rows.dropFirst(2).map { row in
            row.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    /// The first capture of every match of `pattern` in `text`.
    static func matches(of pattern: Regex<(Substring, Substring)>, in text: String) -> Set<String> {
        Set(text.matches(of: pattern).map { String($0.1) })
    }

    @Test func configurationListsEveryOptionAndVariableOfHelp() throws {
        let help = try LogitdProcess.run(["--help"])
        #expect(help.status == 0)
        let helpOptions = Self.matches(of: #/^\s+(?:-h, )?(--[a-z][a-z-]*)/#.anchorsMatchLineEndings(), in: help.out)
        let helpVariables = Self.matches(of: #/env:\s+([A-Z_]+)/#, in: help.out)

        let rows = try Self.table(after: "## Options", in: Self.text("docs/configuration.md"))
        let docOptions = Set(rows.flatMap { Self.matches(of: #/`(--[a-z][a-z-]*)/#, in: $0[0]) })
        let docVariables = Set(rows.flatMap { Self.matches(of: #/`([A-Z_]+)`/#, in: $0[1]) })

        #expect(docOptions == helpOptions, "docs/configuration.md and logitd --help list different options")
        #expect(docVariables == helpVariables, "docs/configuration.md and logitd --help list different variables")
        #expect(!helpOptions.isEmpty && !helpVariables.isEmpty)
    }

    @Test func configurationDefaultsAreThoseOfHelp() throws {
        // --help writes each option's variable and default as "(env: NAME, default: VALUE)".
        let help = try LogitdProcess.run(["--help"]).out
            .split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        let helpDefaults = Dictionary(
            help.matches(of: #/env: ([A-Z_]+), default: ([^)\s]+)\)/#).map { (String($0.1), String($0.2)) },
            uniquingKeysWith: { first, _ in first })
        let rows = try Self.table(after: "## Options", in: Self.text("docs/configuration.md"))
        for row in rows where row[1].hasPrefix("`") {
            let variable = row[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let documented = try #require(row[2].firstMatch(of: #/`([^`]+)`/#)).1
            #expect(helpDefaults[variable] == String(documented), "default of \(variable)")
        }
        #expect(helpDefaults.count == rows.filter { $0[1].hasPrefix("`") }.count)
    }

    /// Every `METHOD /path` named in docs/api.md, a template's `{name}` kept; `[/optional]` parts give
    /// both forms.
    static func documentedOperations() throws -> [(method: String, path: String)] {
        let api = try text("docs/api.md")
        var found: [(String, String)] = []
        for match in api.matches(of: #/`(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (/[^`\s]*)`/#) {
            var path = String(match.2)
            while let open = path.firstIndex(of: "["), let close = path[open...].firstIndex(of: "]") {
                found.append((String(match.1), path.replacingCharacters(in: open...close, with: "")))
                path.replaceSubrange(open...close, with: path[path.index(after: open)..<close])
            }
            found.append((String(match.1), path))
        }
        return found
    }

    /// Whether `path` is `template` with its `{name}` segments filled in (or left as they are).
    static func fits(_ path: String, template: String) -> Bool {
        let (p, t) = (path.split(separator: "/"), template.split(separator: "/"))
        return p.count == t.count && zip(p, t).allSatisfy { $0 == $1 || ($1.hasPrefix("{") && $1.hasSuffix("}")) }
    }

    /// The statuses of docs/api.md's table of errors.
    static func documentedStatuses() throws -> [Int] {
        try table(after: "## Errors", in: text("docs/api.md")).compactMap { Int($0[0]) }
    }

    static func openAPI() throws -> [String: Any] {
        try #require(try Yams.load(yaml: text("openapi.yaml")) as? [String: Any])
    }

    @Test func apiDocumentsOperationsAndStatuses() throws {
        // The tests below must not pass by finding nothing.
        #expect(try Self.documentedOperations().count >= 8)
        #expect(try Self.documentedStatuses().count >= 10)
    }

    @Test func everyOperationInTheAPIDocumentIsInOpenAPI() throws {
        let paths = try #require(try Self.openAPI()["paths"] as? [String: Any])
        for (method, path) in try Self.documentedOperations() {
            // The path itself, or a template of openapi.yaml it fits (`/playground/{file}`).
            let template = paths.keys.first { Self.fits(path, template: $0) } ?? path
            let operations = paths[template] as? [String: Any]
            #expect(operations != nil, "docs/api.md names \(path); openapi.yaml has no such path")
            #expect(
                operations?[method.lowercased()] != nil || (method == "HEAD" && operations?["get"] != nil),
                "docs/api.md names \(method) \(path); openapi.yaml has no such operation")
        }
    }

    @Test func everyStatusInTheAPIDocumentIsInOpenAPI() throws {
        // A status is in the document when an operation lists it, or when a shared response (404 and
        // 405, which no operation lists) pins it with `status: const:`.
        let document = try Self.openAPI()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var statuses = Set<Int>()
        for operation in paths.values.flatMap(\.values) {
            let responses = (operation as? [String: Any])?["responses"] as? [String: Any] ?? [:]
            statuses.formUnion(responses.keys.compactMap { Int($0) })
        }
        let shared = (document["components"] as? [String: Any])?["responses"] as? [String: Any] ?? [:]
        statuses.formUnion(Self.pinnedStatuses(in: shared))
        for status in try Self.documentedStatuses() {
            #expect(statuses.contains(status), "docs/api.md documents \(status); openapi.yaml never answers it")
        }
    }

    /// Every `status: {const: N}` anywhere inside `value`.
    static func pinnedStatuses(in value: Any) -> [Int] {
        if let object = value as? [String: Any] {
            let own = ((object["status"] as? [String: Any])?["const"] as? Int).map { [$0] } ?? []
            return own + object.values.flatMap { pinnedStatuses(in: $0) }
        }
        return (value as? [Any] ?? []).flatMap { pinnedStatuses(in: $0) }
    }

    @Test func everyOperationInTheAPIDocumentIsRouted() async throws {
        // The service's routes as a client sees them: OPTIONS on a path answers 204 with the methods
        // its route table holds (HEAD wherever GET is), and 404 for a path it does not route.
        let operations = try Self.documentedOperations()
        try await withService { _, port in
            let client = CurlClient(port: port)
            for (method, template) in operations {
                let path = template.replacing(#/\{[^}/]+\}/#, with: "example")
                let answer = try client.options(path)
                #expect(answer.status == 204, "OPTIONS \(path): \(answer.status)")
                let allowed = (answer.header("Allow") ?? "").split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                #expect(allowed.contains(method), "docs/api.md names \(method) \(template); Allow is \(allowed)")
            }
        }
    }
}
