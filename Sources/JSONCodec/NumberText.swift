/// The text the JSON encoder writes for a finite Double: the shortest that reads back to the same value,
/// spelled as Python's `repr` (`0.1`, `1.0`, `1e-05`). Other writers of an answer's numbers (the SVG
/// pictures) use it so that a number reads the same in every representation.
package func shortestText(_ value: Double) -> String {
    precondition(value.isFinite, "shortestText: \(value) is not finite")
    return String(unsafeUninitializedCapacity: ShortestDouble.maxLength) { buffer in
        ShortestDouble.write(value, to: buffer.baseAddress!)
    }
}
