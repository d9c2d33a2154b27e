package import HTTPServer

/// What a route handler gets: the request, the template it matched, and its path parameters.
package struct RequestContext: Sendable {
    package var request: Request
    /// The matched template (`/v2/models/{model}/infer`), as metrics label it.
    package var route: String
    package var parameters: Parameters

    package init(request: Request, route: String, parameters: Parameters = Parameters()) {
        self.request = request
        self.route = route
        self.parameters = parameters
    }
}

/// The values a path gave a template's `{name}` segments, percent-decoded on access (a model name
/// sent as `a%2Fb` reads `a/b`).
package struct Parameters: Sendable, Equatable {
    private var values: [(name: String, value: Substring)] = []

    package init() {}

    package static func == (a: Parameters, b: Parameters) -> Bool {
        a.values.elementsEqual(b.values) { $0.name == $1.name && $0.value == $1.value }
    }

    mutating func append(_ name: String, _ value: Substring) { values.append((name, value)) }
    mutating func removeLast() { values.removeLast() }

    /// The names in template order.
    package var names: [String] { values.map(\.name) }

    /// The raw (still percent-encoded) value of `name`, or nil when the template has no such parameter.
    package subscript(raw name: String) -> Substring? { values.first { $0.name == name }?.value }

    /// The percent-decoded value of `name`.
    ///
    /// - Throws: `ParameterError` when the template has no such parameter (a programming error,
    ///   reported rather than trapped) or the value's percent-encoding is broken.
    package func require(_ name: String) throws(ParameterError) -> String {
        guard let raw = self[raw: name] else { throw ParameterError(name: name, value: nil, expected: "a value") }
        guard let decoded = Parameters.percentDecoded(raw) else {
            throw ParameterError(name: name, value: String(raw), expected: "valid percent-encoding (RFC 3986 §2.1)")
        }
        return decoded
    }

    /// The value of `name` converted to `T` (`Int`, `Double`, ...).
    ///
    /// - Throws: `ParameterError` naming the parameter, its value and the type expected.
    package func require<T: LosslessStringConvertible>(_ name: String, as type: T.Type) throws(ParameterError) -> T {
        let text = try require(name)
        guard let value = T(text) else { throw ParameterError(name: name, value: text, expected: "\(T.self)") }
        return value
    }

    /// `%XX` sequences decoded as UTF-8 bytes; nil when a `%` lacks two hex digits or the bytes are not UTF-8.
    static func percentDecoded(_ raw: Substring) -> String? {
        guard raw.utf8.contains(UInt8(ascii: "%")) else { return String(raw) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        var i = raw.utf8.startIndex
        while i < raw.utf8.endIndex {
            let b = raw.utf8[i]
            if b == UInt8(ascii: "%") {
                let h = raw.utf8.index(after: i)
                guard h < raw.utf8.endIndex, raw.utf8.index(after: h) < raw.utf8.endIndex,
                    let high = hexValue(raw.utf8[h]), let low = hexValue(raw.utf8[raw.utf8.index(after: h)])
                else { return nil }
                bytes.append(high << 4 | low)
                i = raw.utf8.index(h, offsetBy: 2)
            } else {
                bytes.append(b)
                i = raw.utf8.index(after: i)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A path parameter that is missing or does not convert: `path parameter version: "x" is not a valid Int`.
package struct ParameterError: Error, Sendable, Equatable, CustomStringConvertible {
    package var name: String
    /// The value as sent (decoded when it could be), or nil when the template has no such parameter.
    package var value: String?
    package var expected: String

    package init(name: String, value: String?, expected: String) {
        self.name = name
        self.value = value
        self.expected = expected
    }

    package var description: String {
        guard let value else { return "path parameter \(name): the route has no such parameter" }
        return "path parameter \(name): \"\(value)\" is not \(expected)"
    }
}
