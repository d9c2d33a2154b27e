/// A value that writes its own JSON text: the bytes `encodeJSON` makes from its `Encodable`
/// conformance, without the encoder's tree of containers, keys and values. Worth it for an answer of
/// fixed shape that a server writes on every request (a classification: its tree was 29 300 of a
/// request's 99 100 instructions; a small softmax answer's, 8 900 of 62 000).
///
/// `encodeJSON(_:)` takes this path for a value whose type is known to conform (an overload). The
/// conformance must write exactly what `encode(to:)` writes (tests compare the two); on a non-finite
/// number the writer refuses (`JSONStreamWriter.Refused`) and `encodeJSON` encodes through
/// `Encodable` instead, so the error and its path are the ones every other value gets.
package protocol JSONWritable: Encodable {
    func writeJSON(to writer: inout JSONStreamWriter) throws(JSONStreamWriter.Refused)
}

/// Appends JSON text to a byte array: punctuation and keys as the caller spells them, numbers and
/// strings as `JSONWriter` writes them (shortest round-trip doubles, RFC 8259 escapes).
package struct JSONStreamWriter {
    /// A non-finite number, which JSON cannot carry.
    package struct Refused: Error {}

    package private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Bytes copied as they are, e.g. `{"class":`: the caller answers for their being JSON.
    package mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    package mutating func integer(_ value: Int) {
        room(JSONWriter.maxIntegerLength) { $0.write(.signed(Int64(value))) }
    }

    /// `[1,2,3]`.
    package mutating func integers(_ values: [Int]) {
        room(2 + values.count * (JSONWriter.maxIntegerLength + 1)) { $0.write(.ints(values)) }
    }

    package mutating func double(_ value: Double) throws(Refused) {
        guard value.isFinite else { throw Refused() }
        room(ShortestDouble.maxLength) { $0.write(.double(value)) }
    }

    /// `[0.25,0.75]`.
    package mutating func doubles(_ values: [Double]) throws(Refused) {
        try values.withUnsafeBufferPointer { values throws(Refused) in try doubles(values) }
    }

    /// `[0.25,0.75]`, from contiguous memory (a row of a matrix).
    package mutating func doubles(_ values: UnsafeBufferPointer<Double>) throws(Refused) {
        for value in values where !value.isFinite { throw Refused() }
        room(2 + values.count * (ShortestDouble.maxLength + 1)) { $0.writeDoubles(values) }
    }

    /// A string, quoted and escaped.
    package mutating func string(_ text: String) {
        room(2 + 6 * text.utf8.count) { $0.write(.string(text)) }
    }

    /// Lets `body` write at most `bound` bytes at the end, into capacity that is not initialised
    /// first (a large answer's bound is megabytes), then keeps what it wrote.
    private mutating func room(_ bound: Int, _ body: (inout JSONWriter) -> Void) {
        bytes.append(addingCapacity: bound) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                let base = buffer.baseAddress!
                var writer = JSONWriter(base)
                body(&writer)
                initialized = writer.p - base
                precondition(initialized <= bound, "JSONStreamWriter: a bound is not an upper bound")
            }
        }
    }
}

extension JSONWritable {
    /// The text, or nil if the value holds a non-finite number.
    func writtenJSON() -> [UInt8]? {
        var writer = JSONStreamWriter(capacity: 256)
        do throws(JSONStreamWriter.Refused) {
            try writeJSON(to: &writer)
        } catch {
            return nil
        }
        return writer.bytes
    }
}
