import Foundation
import LogitVersion
import Testing

/// Every copy of the version that cannot import `logitdVersion` says the same as it.
@Suite struct VersionTests {
    /// The repository's root, from this file's place in it (Tests/LogitVersionTests/).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The lines of `text` that start (after indentation) with `prefix`, with the prefix removed.
    static func values(after prefix: String, in text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let trimmed = line.drop(while: { $0 == " " })
            return trimmed.hasPrefix(prefix) ? String(trimmed.dropFirst(prefix.count)) : nil
        }
    }

    @Test func versionIsSemanticVersioning() {
        let parts = logitdVersion.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3)
        #expect(parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) && ($0 == "0" || $0.first != "0") })
    }

    @Test func openAPIInfoVersionIsTheVersion() throws {
        // info.version is the first `version:` key of the document, indented by two spaces under `info:`.
        let yaml = try Self.text("openapi.yaml")
        let info = try #require(yaml.range(of: "\ninfo:\n"))
        let version = Self.values(after: "version: ", in: String(yaml[info.upperBound...])).first
        #expect(version == logitdVersion)
    }

    @Test func imageVersionLabelIsTheVersion() throws {
        let dockerfile = try Self.text("Dockerfile")
        let labels = dockerfile.matches(of: #/org\.opencontainers\.image\.version="([^"]*)"/#).map { String($0.1) }
        #expect(labels == [logitdVersion])
    }

    @Test func newestReleaseInTheChangelogIsTheVersion() throws {
        // Keep a Changelog: `## [Unreleased]` first, then `## [X.Y.Z] - YYYY-MM-DD`, newest first.
        let sections = Self.values(after: "## [", in: try Self.text("CHANGELOG.md"))
        #expect(sections.first?.hasPrefix("Unreleased]") == true)
        let released = sections.first { !$0.hasPrefix("Unreleased]") }
        #expect(released?.hasPrefix("\(logitdVersion)] - ") == true, "newest release: \(released ?? "none")")
    }
}
