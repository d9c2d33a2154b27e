import Foundation

/// Any JSON value as Swift values, read by Foundation's JSONDecoder — an independent parser
/// that reads numbers exactly (JSONSerialization's NSNumbers are off by an ulp or two):
/// integers as Int, other numbers as Double, null as NSNull.
package struct AnyJSON: Decodable {
    package var value: Any

    package init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            value = NSNull()
        } else if let b = try? c.decode(Bool.self) {
            value = b
        } else if let i = try? c.decode(Int.self) {
            value = i
        } else if let d = try? c.decode(Double.self) {
            value = d
        } else if let s = try? c.decode(String.self) {
            value = s
        } else if let a = try? c.decode([AnyJSON].self) {
            value = a.map(\.value)
        } else {
            value = try c.decode([String: AnyJSON].self).mapValues(\.value)
        }
    }

    /// `bytes` as a JSON object, or an empty dictionary when it is not one.
    package static func object(_ bytes: [UInt8]) -> [String: Any] {
        (try? JSONDecoder().decode(AnyJSON.self, from: Data(bytes)))?.value as? [String: Any] ?? [:]
    }
}

/// A number of an answer as a Double.
package func number(_ value: Any?) -> Double? {
    (value as? Double) ?? (value as? Int).map(Double.init)
}

/// A JSON array of numbers as Doubles (NaN marks an element that is not a number).
package func doubles(_ value: Any?) -> [Double] {
    (value as? [Any] ?? []).map { number($0) ?? .nan }
}
