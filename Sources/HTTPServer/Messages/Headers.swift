package import HTTPTypes

/// A request's header fields as the parser found them: an ordered list of name and value strings,
/// names compared case-insensitively (RFC 9110 §5.1), the original spelling kept, since a field
/// may legally repeat. Looked up by swift-http-types' `HTTPField.Name` (`headers[.contentType]`).
///
/// Why not `HTTPFields` itself: building one validates and lowercases every name and value again,
/// after the parser has already checked them byte by byte: about twice this list's CPU per request
/// (docs/architecture.md, "Header fields"). `headerFields` converts at the seam, for the code that
/// wants the standard type.
package struct Headers: Sendable, Sequence, ExpressibleByDictionaryLiteral, Equatable {
    package typealias Field = (name: String, value: String)
    package private(set) var fields: [Field] = []

    package init() {}
    package init(_ fields: [Field]) { self.fields = fields }
    package init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    package var count: Int { fields.count }
    package func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The first value of `name`, or nil.
    package subscript(name: HTTPField.Name) -> String? {
        fields.first { Headers.equal($0.name, name.canonicalName) }?.value
    }

    /// Every value of `name`, in order.
    package func values(for name: HTTPField.Name) -> [String] {
        fields.filter { Headers.equal($0.name, name.canonicalName) }.map(\.value)
    }

    package func contains(_ name: HTTPField.Name) -> Bool {
        fields.contains { Headers.equal($0.name, name.canonicalName) }
    }

    /// Appends a field the parser has validated (a token name, a value without control characters).
    package mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    /// Room for `n` fields, so a parser adding them one by one allocates once.
    package mutating func reserveCapacity(_ n: Int) { fields.reserveCapacity(n) }

    package mutating func remove(_ name: HTTPField.Name) {
        fields.removeAll { Headers.equal($0.name, name.canonicalName) }
    }

    /// The fields as swift-http-types' `HTTPFields`, in order; a name that is not a token (only a
    /// hand-built `Headers` can hold one) is left out.
    package var headerFields: HTTPFields {
        var result = HTTPFields()
        result.reserveCapacity(fields.count)
        for field in fields {
            guard let name = HTTPField.Name(field.name) else { continue }
            result.append(HTTPField(name: name, value: field.value))
        }
        return result
    }

    package static func == (lhs: Headers, rhs: Headers) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { Headers.equal($0.name, $1.name) && $0.value == $1.value }
    }

    /// `equal` for two Strings, the case of every lookup, compiled here once: other modules would run
    /// the generic one unspecialised, paying the runtime's generic-metadata lookups on every request.
    /// The bytes are compared in place where both strings have them contiguous (native strings, small
    /// ones included), without the `UTF8View` iterator's per-byte checks. (Figures: Benchmarks/README.md.)
    package static func equal(_ a: String, _ b: String) -> Bool {
        let a = a.utf8
        let b = b.utf8
        guard a.count == b.count else { return false }
        let inPlace = a.withContiguousStorageIfAvailable { a in
            b.withContiguousStorageIfAvailable { b in
                for i in 0..<a.count where !equal(a[i], b[i]) { return false }
                return true
            }
        }
        return (inPlace ?? nil) ?? equal(a, b)
    }

    /// Two bytes of a token, ASCII letters compared without case.
    @inline(__always)
    private static func equal(_ x: UInt8, _ y: UInt8) -> Bool {
        x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= UInt8(ascii: "a") && (x | 0x20) <= UInt8(ascii: "z"))
    }

    /// ASCII case-insensitive comparison; header names are tokens, so ASCII is all there is.
    package static func equal<A: StringProtocol, B: StringProtocol>(_ a: A, _ b: B) -> Bool {
        equal(a.utf8, b.utf8)
    }

    private static func equal<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
    }
}

extension HTTPFields {
    /// Whether a comma-separated field (`Vary`, say) lists `token`, case-insensitively.
    package func listContains(_ name: HTTPField.Name, token: String) -> Bool {
        self[values: name].contains { value in
            value.split(separator: ",").contains { Headers.equal($0.trimmingSpaces(), token) }
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (HTTP's OWS).
    package func trimmingSpaces() -> Substring {
        let s = self[...]
        let isOWS: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = s.firstIndex(where: { !isOWS($0) }) else { return Substring() }
        let end = s.lastIndex(where: { !isOWS($0) })!
        return Substring(s[start...end])
    }
}
