import JSONCodec
import Testing

@Suite struct NumberTextTests {
    /// Python's `repr` of each value (Python 3.11).
    @Test(arguments: [
        (0.1, "0.1"), (1.0, "1.0"), (-0.0, "-0.0"), (0.0, "0.0"), (1e-05, "1e-05"), (1e16, "1e+16"),
        (0.4678433288834277, "0.4678433288834277"), (.leastNonzeroMagnitude, "5e-324"),
        (-1.7976931348623157e308, "-1.7976931348623157e+308"), (123456789.0, "123456789.0"),
    ])
    func spellsAsPythonRepr(value: Double, text: String) {
        #expect(shortestText(value) == text)
    }

    @Test func isTheTextTheEncoderWrites() throws {
        let values = [0.6216868341094665, 4.248354255291589e-18, 1e22, -2.5e-8, 3.0]
        let json = String(decoding: try encodeJSON(values), as: UTF8.self)
        #expect(json == "[" + values.map(shortestText).joined(separator: ",") + "]")
    }
}
