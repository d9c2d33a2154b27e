/// A value of a parsed document, read without the `Decoder` protocol: for a request type whose common
/// shape is worth reading directly (a small `/softmax` spent 10 500 of its 54 000 instructions in
/// `init(from:)`'s containers, keys and boxes).
///
/// Every accessor answers nil when the value is not the simple case: not the kind asked for, a number
/// out of range, a key spelled with escapes. The reader then gives up, and the caller decodes the same
/// document through `Decodable` (`JSONDocument.decode`), so every error keeps the
/// words and the coding path it always had.
package struct JSONValue {
    let context: DecodingContext
    let index: Int

    private var node: TapeNode { context.node(index) }

    package var isNull: Bool { node.kind == .null }
    package var isArray: Bool { node.kind == .array }

    /// A finite number.
    package var double: Double? {
        let node = node
        let value = Double(bitPattern: node.payload)
        return node.kind == .number && value.isFinite ? value : nil
    }

    /// A string written without escapes.
    package var string: String? {
        let node = node
        return node.kind == .string && !node.flag ? context.tape.string(at: index) : nil
    }

    package var bool: Bool? {
        switch node.kind {
        case .true: true
        case .false: false
        default: nil
        }
    }

    /// Calls `body` with each member's name (its bytes, when written without escapes) and value, in
    /// document order, while it returns true; false if this is not an object, a name has escapes, or
    /// `body` returned false.
    package func members(_ body: (UnsafeBufferPointer<UInt8>, JSONValue) -> Bool) -> Bool {
        let object = node
        guard object.kind == .object else { return false }
        let tape = context.tape
        return tape.bytes.withUnsafeBufferPointer { bytes in
            var k = index + 1
            for _ in 0..<Int(object.end) {
                let name = tape.nodes[k]
                guard !name.flag else { return false }
                let text = UnsafeBufferPointer(rebasing: bytes[Int(name.start)..<Int(name.end)])
                guard body(text, JSONValue(context: context, index: k + 1)) else { return false }
                k = tape.next(after: k + 1)
            }
            return true
        }
    }

    /// A non-empty array of finite numbers, as a row-major matrix of one row; or a non-empty array of
    /// arrays of finite numbers, all as long as the first and not empty, as a row-major matrix.
    /// `isVector` says which.
    package var numbers: (rows: Int, columns: Int, elements: [Double], isVector: Bool)? {
        let array = node
        guard array.kind == .array, array.end > 0 else { return nil }
        let tape = context.tape
        let first = tape.nodes[index + 1]
        let isVector = first.kind == .number
        guard isVector || (first.kind == .array && first.end > 0) else { return nil }
        let rows = isVector ? 1 : Int(array.end)
        let columns = isVector ? Int(array.end) : Int(first.end)
        let (total, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow else { return nil }
        // The array is made empty and grown by `append(addingCapacity:)`: `init(unsafeUninitializedCapacity:)`
        // takes the standard library's unspecialised path for Double (about 530 instructions a request,
        // against about 200).
        var read = true
        var elements: [Double] = []
        elements.append(addingCapacity: total) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                let out = buffer.baseAddress!
                if isVector {
                    read = tape.finiteNumbers(from: index + 1, count: total, into: out) == total
                } else {
                    var k = index + 1
                    for r in 0..<rows {
                        let row = tape.nodes[k]
                        guard row.kind == .array, Int(row.end) == columns,
                            tape.finiteNumbers(from: k + 1, count: columns, into: out + r * columns) == columns
                        else {
                            read = false
                            return
                        }
                        k = Int(row.payload)
                    }
                }
                if read { initialized = total }
            }
        }
        return read ? (rows, columns, elements, isVector) : nil
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The bytes are `text`'s (a member name against a name the reader knows).
    package func equals(_ text: StaticString) -> Bool {
        // The lengths first (most names a reader tries differ in length), then the bytes: `elementsEqual`
        // walked both as sequences, about 100 instructions a name.
        guard count == text.utf8CodeUnitCount else { return false }
        let expected = text.utf8Start
        for i in 0..<count where self[i] != expected[i] { return false }
        return true
    }
}

/// A parsed, validated document: its root for a `JSONValue` reader, or the whole decoded through `Decodable`
/// (the text is parsed once for both).
package struct JSONDocument {
    let context: DecodingContext

    package init(parsing bytes: [UInt8], maxDepth: Int = 64) throws {
        context = DecodingContext(try Tape(parsing: bytes, maxDepth: maxDepth))
    }

    package var root: JSONValue { JSONValue(context: context, index: 0) }

    /// The document as `T`, through its `init(from:)`.
    package func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try context.decode(T.self, at: 0, path: [])
        } catch let error as DecodingError {
            throw context.translate(error)
        }
    }
}
