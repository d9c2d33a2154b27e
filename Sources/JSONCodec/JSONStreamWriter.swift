/// A value that writes its own JSON text: the bytes `encodeJSON` makes from its `Encodable`
/// conformance, without the encoder's tree of containers, keys and values. Worth it for an answer of
/// fixed shape that a server writes on every request (a classification: its tree was 29 300 of a
/// request's 99 100 instructions; a small softmax answer's, 8 900 of 62 000).
///
/// `encodeJSON(_:)` takes this path for a value whose type is known to conform (an overload). The
/// conformance must write exactly what `encode(to:)` writes (tests compare the two); on a non-finite
/// number the writer refuses (`JSONStreamWriter.refused`) and `encodeJSON` encodes through
/// `Encodable` instead, so the error and its path are the ones every other value gets.
package protocol JSONWritable: Encodable {
    /// The most bytes `writeJSON` writes. The text is written into an array of this capacity, made
    /// once; a bound that is not an upper bound stops the process (a bug, not an input).
    var jsonBound: Int { get }

    func writeJSON(to writer: inout JSONStreamWriter)
}

/// Writes JSON text into room made beforehand for all of it (`JSONWritable.jsonBound`): punctuation and
/// keys as the caller spells them, numbers and strings as `JSONWriter` writes them (shortest round-trip
/// doubles, RFC 8259 escapes), with no capacity check per piece. (Appending each piece to a growing
/// array, a capacity check and a call each, was about 500 of a small /softmax answer's 1 600
/// instructions.)
package struct JSONStreamWriter {
    fileprivate var writer: JSONWriter
    /// Set when a non-finite number was given, which JSON cannot carry: the text is then dropped.
    package private(set) var refused = false

    fileprivate init(_ start: UnsafeMutablePointer<UInt8>) { writer = JSONWriter(start) }

    /// The most bytes `integer` writes.
    package static let integerBound = JSONWriter.maxIntegerLength
    /// The most bytes `double` writes.
    package static let doubleBound = ShortestDouble.maxLength

    /// The most bytes `string` writes for `text`.
    package static func stringBound(_ text: String) -> Int { 2 + 6 * text.utf8.count }

    /// The most bytes `doubles` writes for `count` numbers.
    package static func doublesBound(_ count: Int) -> Int { 2 + count * (ShortestDouble.maxLength + 1) }

    /// The most bytes `integers` writes for `count` numbers.
    package static func integersBound(_ count: Int) -> Int { 2 + count * (JSONWriter.maxIntegerLength + 1) }

    /// Bytes copied as they are, e.g. `{"class":`: the caller answers for their being JSON.
    package mutating func raw(_ text: StaticString) { writer.write(raw: text) }

    package mutating func integer(_ value: Int) { writer.write(integer: value) }

    /// `[1,2,3]`.
    package mutating func integers(_ values: [Int]) { writer.write(.ints(values)) }

    package mutating func double(_ value: Double) {
        guard value.isFinite else {
            refused = true
            return
        }
        writer.write(double: value)
    }

    /// `[0.25,0.75]`.
    package mutating func doubles(_ values: [Double]) {
        values.withUnsafeBufferPointer { doubles($0) }
    }

    /// `[0.25,0.75]`, from contiguous memory (a row of a matrix).
    package mutating func doubles(_ values: UnsafeBufferPointer<Double>) {
        for value in values where !value.isFinite {
            refused = true
            return
        }
        writer.writeDoubles(values)
    }

    /// A string, quoted and escaped.
    package mutating func string(_ text: String) { writer.write(string: text) }
}

extension JSONWritable {
    /// The text, or nil if the value holds a non-finite number.
    func writtenJSON() -> [UInt8]? {
        written(bound: jsonBound) { writeJSON(to: &$0) }
    }
}

/// The text `body` writes in at most `bound` bytes, or nil when it refused a number. The array is made
/// empty and then grown by `append(addingCapacity:)`: `init(unsafeUninitializedCapacity:)` takes the
/// standard library's unspecialised path (it looks the storage class up on every call: about 700
/// instructions an answer, against about 300 this way).
@inline(never)
private func written(bound: Int, _ body: (inout JSONStreamWriter) -> Void) -> [UInt8]? {
    // At least one byte of room: the runtime's shared empty array must never be written (see
    // `DecodingContext.doubles`).
    let bound = max(bound, 1)
    var refused = false
    var text: [UInt8] = []
    text.append(addingCapacity: bound) { span in
        span.withUnsafeMutableBufferPointer { buffer, count in
            let start = buffer.baseAddress!
            var writer = JSONStreamWriter(start)
            body(&writer)
            count = writer.writer.p - start
            precondition(count <= bound, "JSONWritable: jsonBound is not an upper bound")
            refused = writer.refused
        }
    }
    return refused ? nil : text
}
