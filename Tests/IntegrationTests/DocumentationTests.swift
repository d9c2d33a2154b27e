import Foundation
import Testing

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
}
