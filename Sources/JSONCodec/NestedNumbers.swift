/// How each leaf of a nested number array is read (`flattenedNumbers(of:as:)`).
package enum NumberLeaf: Sendable, Equatable {
    /// Any finite number.
    case double
    /// Any number, rounded to the nearest Float (from its literal, not through the Double), then widened:
    /// a tensor declared FP32 holds floats.
    case float
    /// An integer (`3`, `3.0`, `3e0`) within `range`.
    case integer(ClosedRange<Int64>)
    /// An integer within 0…`max`.
    case unsignedInteger(max: UInt64)
    /// `true` (1) or `false` (0).
    case boolean
}

/// The leaves of the array that `decoder` stands at, nested to any depth, in document order (row-major for a
/// regular nesting), each read as `leaf` says and widened to Double: `[[1, 2], [3]]` and `[1, 2, 3]` both give
/// `[1, 2, 3]`. The caller checks the count against the shape it was told.
///
/// Why it is here: a tensor's `data` may be flat or nested to its rank, and Codable cannot look at a value's
/// kind before decoding it; probing each element (`try? decode(Double.self)`) throws an error per row. On the
/// tape the kind is known and the count is one walk, so the result is allocated once at its exact size.
///
/// - Returns: nil when `decoder` is not this module's.
/// - Throws: `JSONDecodingError` naming the element's path (`inputs[0].data[1][2]`) for a leaf of the wrong
///   kind or range, and for a value at the top that is not an array.
package func flattenedNumbers(of decoder: any Decoder, as leaf: NumberLeaf) throws -> [Double]? {
    guard let decoder = decoder as? TapeDecoder else { return nil }
    let context = decoder.context
    let root = decoder.index
    guard context.node(root).kind == .array else { throw context.mismatch(.array, at: root, decoder.codingPath) }
    let end = context.tape.next(after: root)
    // Containers and leaves follow each other on the tape, so the leaves are the non-array nodes in
    // [root + 1, end); an object is not a container we skip into but a leaf of the wrong kind.
    var count = 0
    var k = root + 1
    while k < end {
        let node = context.node(k)
        if node.kind == .array {
            k += 1
        } else {
            count += 1
            k = context.tape.next(after: k)
        }
    }
    // The common leaves (finite numbers read as Double or Float) are read from the tape in place; anything else,
    // a failure included, goes through `leaf(at:as:path:)`, which builds the element's coding path only then.
    let fast: NumberLeaf? = leaf == .double || leaf == .float ? leaf : nil
    // Capacity 0 would write the runtime's shared empty array (see `DecodingContext.doubles`).
    guard count > 0 else { return [] }
    return try [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
        try context.tape.bytes.withUnsafeBufferPointer { bytes in
            try context.tape.nodes.withUnsafeBufferPointer { nodes in
                var k = root + 1
                var i = 0
                while k < end {
                    let node = nodes[k]
                    if node.kind == .array {
                        k += 1
                        continue
                    }
                    let value = Double(bitPattern: node.payload)
                    if let fast, node.kind == .number, value.isFinite {
                        if fast == .double {
                            buffer[i] = value
                        } else {
                            let literal = UnsafeBufferPointer(rebasing: bytes[Int(node.start)..<Int(node.end)])
                            let float = DecimalConversion.float(fromDouble: value, literal: literal)
                            guard float.isFinite else {
                                buffer[i] = try context.leaf(
                                    at: k, as: leaf, path: context.path(to: k, from: root, decoder.codingPath))
                                preconditionFailure("a number beyond Float's range read as a Float")
                            }
                            buffer[i] = Double(float)
                        }
                        k += 1
                    } else {
                        buffer[i] = try context.leaf(
                            at: k, as: leaf, path: context.path(to: k, from: root, decoder.codingPath))
                        k = context.tape.next(after: k)
                    }
                    i += 1
                    initialized = i
                }
            }
        }
    }
}

/// `value` in the shortest form that reads back to the same Double, spelled as Python's `repr` (`0.1`,
/// `1e-05`); for text that is not a JSON document, such as the inference protocol's `"value:index:label"`.
package func shortestText(_ value: Double) -> String {
    precondition(value.isFinite, "shortestText of \(value)")
    return String(unsafeUninitializedCapacity: ShortestDouble.maxLength) { buffer in
        ShortestDouble.write(value, to: buffer.baseAddress!)
    }
}

extension DecodingContext {
    /// One leaf read as `leaf` asks; `path` is built only when an error needs it.
    fileprivate func leaf(at index: Int, as leaf: NumberLeaf, path: @autoclosure () -> [any CodingKey]) throws
        -> Double
    {
        switch leaf {
        case .double:
            return try double(at: index, path())
        case .float:
            return Double(try float(at: index, path()))
        case .boolean:
            return try bool(at: index, path()) ? 1 : 0
        case .integer(let range):
            let value = try integer(Int64.self, at: index, path())
            guard range.contains(value) else {
                throw JSONDecodingError(.numberOutOfRange(literal: tape.literal(at: index)), path: pathString(path()))
            }
            return Double(value)
        case .unsignedInteger(let max):
            let value = try integer(UInt64.self, at: index, path())
            guard value <= max else {
                throw JSONDecodingError(.numberOutOfRange(literal: tape.literal(at: index)), path: pathString(path()))
            }
            return Double(value)
        }
    }

    /// The coding path of tape node `target` inside the array at `root`: the indices walked from the root.
    fileprivate func path(to target: Int, from root: Int, _ rootPath: [any CodingKey]) -> [any CodingKey] {
        var path = rootPath
        var container = root
        while container != target {
            var child = container + 1
            var position = 0
            while tape.next(after: child) <= target {
                child = tape.next(after: child)
                position += 1
            }
            path.append(IndexKey(position))
            container = child
        }
        return path
    }
}
