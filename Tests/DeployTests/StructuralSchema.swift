import Foundation

/// Checks a Kubernetes object against a CRD's `openAPIV3Schema`, as the API server does with strict field
/// validation (`kubectl apply --validate=strict`), offline.
///
/// CRD schemas are "structural" (Kubernetes' apiextensions docs, "Specifying a structural schema"): every
/// node has a `type`, and the only other keywords are the value checks below plus Kubernetes' `x-kubernetes-*`
/// extensions. That small subset is what this implements:
/// - `type`, with `x-kubernetes-int-or-string` meaning integer or string;
/// - `properties`, where a field the schema does not name is an error (the API server prunes it, and strict
///   validation refuses it), unless the node has `additionalProperties` (a map) or
///   `x-kubernetes-preserve-unknown-fields`;
/// - `required`, `items`, `additionalProperties`, `anyOf`, `enum`, `pattern` (strings only, as JSON Schema
///   says), `minimum`, `maximum`, `minLength`, `maxLength`, `minItems`, `format` int32/int64 ranges;
/// - `x-kubernetes-list-type: map` (items unique by `x-kubernetes-list-map-keys`) and `set` (items unique),
///   which the API server enforces and a JSON Schema validator does not.
///
/// Values are what Yams loads: `[String: Any]`, `[Any]`, String, Int, Double, Bool.
struct StructuralSchema {
    let root: [String: Any]

    init(json: Data) throws {
        guard let root = try JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        self.root = root
    }

    /// Every problem found, as `path: message` (`spec/containers/0/ports/0/containerPort: expected integer`).
    func errors(in value: Any) -> [String] {
        let report = Report()
        check(value, against: root, path: [], into: report)
        return report.errors
    }

    /// Where the problems go; anyOf tries each branch with a report of its own.
    private final class Report {
        var errors: [String] = []
    }

    private func check(_ value: Any, against schema: [String: Any], path: [String], into report: Report) {
        func fail(_ message: String) {
            report.errors.append("\(path.isEmpty ? "(root)" : path.joined(separator: "/")): \(message)")
        }

        if let anyOf = schema["anyOf"] as? [[String: Any]] {
            let matches = anyOf.contains { branch in
                let branchReport = Report()
                check(value, against: branch, path: path, into: branchReport)
                return branchReport.errors.isEmpty
            }
            if !matches { fail("matches none of anyOf") }
        }
        let intOrString = schema["x-kubernetes-int-or-string"] as? Bool == true
        if intOrString {
            guard isInteger(value) || value is String else { return fail("expected an integer or a string") }
        } else if let type = schema["type"] as? String {
            guard Self.has(value, type: type) else { return fail("expected \(type), found \(Self.typeName(value))") }
        }
        if let allowed = schema["enum"] as? [Any], !allowed.contains(where: { Self.equal($0, value) }) {
            fail("\(value) is not one of \(allowed)")
        }

        switch value {
        case let object as [String: Any]:
            checkObject(object, schema, path, report, fail)
        case let array as [Any]:
            if let min = schema["minItems"] as? Int, array.count < min { fail("fewer than \(min) items") }
            if let items = schema["items"] as? [String: Any] {
                for (i, item) in array.enumerated() {
                    check(item, against: items, path: path + [String(i)], into: report)
                }
            }
            checkListType(array, schema, fail)
        case let string as String:
            if let min = schema["minLength"] as? Int, string.count < min { fail("shorter than \(min)") }
            if let max = schema["maxLength"] as? Int, string.count > max { fail("longer than \(max)") }
            if let pattern = schema["pattern"] as? String {
                guard let regex = try? Regex(pattern) else { return fail("unreadable pattern \(pattern)") }
                if (try? regex.firstMatch(in: string)) == nil { fail("\"\(string)\" does not match \(pattern)") }
            }
        default:
            if let number = Self.number(value) {
                if let min = Self.number(schema["minimum"] as Any), number < min {
                    fail("\(number) is less than \(min)")
                }
                if let max = Self.number(schema["maximum"] as Any), number > max {
                    fail("\(number) is more than \(max)")
                }
                if schema["format"] as? String == "int32", isInteger(value),
                    !(-2_147_483_648...2_147_483_647).contains(number)
                {
                    fail("\(number) does not fit in int32")
                }
            }
        }
    }

    private func checkObject(
        _ object: [String: Any], _ schema: [String: Any], _ path: [String], _ report: Report,
        _ fail: (String) -> Void
    ) {
        let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
        for name in schema["required"] as? [String] ?? [] where object[name] == nil {
            fail("missing required field \"\(name)\"")
        }
        let preserves = schema["x-kubernetes-preserve-unknown-fields"] as? Bool == true
        for (name, member) in object.sorted(by: { $0.key < $1.key }) {
            if let property = properties[name] {
                check(member, against: property, path: path + [name], into: report)
            } else if let additional = schema["additionalProperties"] as? [String: Any] {
                check(member, against: additional, path: path + [name], into: report)
            } else if schema["additionalProperties"] as? Bool == true || preserves
                || (properties.isEmpty && schema["additionalProperties"] == nil)
            {
                // A map of anything, kept as is (`metadata` is `type: object` with no properties: the API
                // server checks ObjectMeta itself).
            } else {
                fail("unknown field \"\(name)\"")
            }
        }
    }

    private func checkListType(_ array: [Any], _ schema: [String: Any], _ fail: (String) -> Void) {
        switch schema["x-kubernetes-list-type"] as? String {
        case "map":
            let keys = schema["x-kubernetes-list-map-keys"] as? [String] ?? []
            var seen: [String] = []
            for item in array {
                let object = item as? [String: Any] ?? [:]
                let key = keys.map { "\(object[$0] ?? "")" }.joined(separator: ",")
                if seen.contains(key) { fail("duplicate entries with \(keys.joined(separator: ", ")) \(key)") }
                seen.append(key)
            }
        case "set":
            for i in array.indices where array[..<i].contains(where: { Self.equal($0, array[i]) }) {
                fail("duplicate entry \(array[i]) in a set")
            }
        default: break
        }
    }

    private func isInteger(_ value: Any) -> Bool { value is Int }

    private static func has(_ value: Any, type: String) -> Bool {
        switch type {
        case "object": value is [String: Any]
        case "array": value is [Any]
        case "string": value is String
        case "integer": value is Int
        case "number": value is Int || value is Double
        case "boolean": value is Bool
        default: false
        }
    }

    private static func typeName(_ value: Any) -> String {
        switch value {
        case is [String: Any]: "object"
        case is [Any]: "array"
        case is String: "string"
        case is Int: "integer"
        case is Double: "number"
        case is Bool: "boolean"
        default: "null"
        }
    }

    private static func number(_ value: Any) -> Double? {
        (value as? Int).map(Double.init) ?? (value as? Double)
    }

    private static func equal(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (let x as String, let y as String): x == y
        case (let x as Bool, let y as Bool): x == y
        case (let x as Int, let y as Int): x == y
        default: number(a).map { $0 == number(b) } ?? false
        }
    }
}
