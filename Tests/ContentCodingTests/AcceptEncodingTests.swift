import ContentCoding
import Testing

@Suite struct AcceptEncodingTests {
    /// RFC 9110 §12.5.3. gzip's weight is its own entry's, else `*`'s, else 0; gzip wins when
    /// above 0 and at least identity's weight, where the field gives one (its own entry, else `*`).
    @Test(
        "Accept-Encoding allows gzip by q-value, with a named coding overriding *",
        arguments: [
            ("gzip", true),
            ("GZIP", true),
            ("Gzip", true),
            ("x-gzip", true),
            ("gzip, deflate, br", true),
            ("br, deflate", false),
            ("deflate", false),
            ("identity", false),
            ("", false),
            (" ", false),
            (",,gzip,,", true),
            (" \tgzip \t", true),
            ("gzip ; q=0.8", true),
            ("gzip;q=0", false),
            ("gzip;q=0.", false),
            ("gzip;q=0.000", false),
            ("gzip;Q=0.001", true),
            ("gzip;q=1", true),
            ("gzip;q=1.", true),
            ("gzip;q=1.000", true),
            // Weights outside the grammar count as q=0.
            ("gzip;q=1.001", false),
            ("gzip;q=1.5", false),
            ("gzip;q=2", false),
            ("gzip;q=0.1234", false),
            ("gzip;q=.5", false),
            ("gzip;q=-0", false),
            ("gzip;q=", false),
            ("gzip;q=abc", false),
            ("gzip;q=0.5x", false),
            // A parameter that is not a weight is ignored.
            ("gzip;level=1", true),
            ("*", true),
            ("*;q=0", false),
            ("*;q=0.1", true),
            // A named coding overrides `*`, both ways.
            ("*, gzip;q=0", false),
            ("gzip;q=0, *", false),
            ("*;q=0, gzip", true),
            ("gzip, *;q=0", true),
            ("*;q=0, x-gzip;q=0.3", true),
            // Against identity: a tie goes to gzip, a preference for identity is kept.
            ("gzip;q=0.5, identity;q=1", false),
            ("gzip;q=0.5, identity;q=0.5", true),
            ("gzip, identity;q=0.5", true),
            ("identity;q=0, gzip;q=0.1", true),
            ("gzip;q=0.5, *", false),
            ("identity;q=0", false),
            ("identity;q=0, *", true),
            ("gzip;q=0.1", true),
            ("gzip;q=0.1, identity;q=0.2", false),
            // The first entry for a name counts.
            ("gzip;q=0, gzip", false),
            ("gzip, gzip;q=0", true),
            ("gzipx, deflate", false),
            ("xgzip", false),
        ])
    func allowsGzip(field: String, expected: Bool) {
        #expect(AcceptEncoding([field]).allowsGzip == expected, "\(field)")
        #expect(AcceptEncoding.allowsGzip([field]) == expected, "\(field)")
    }

    @Test("several fields are one list, and no field allows nothing")
    func severalFields() {
        #expect(AcceptEncoding.allowsGzip([]) == false)
        #expect(AcceptEncoding.allowsGzip(["deflate", "gzip"]))
        #expect(AcceptEncoding.allowsGzip(["*;q=0", "gzip;q=0.2"]))
        #expect(AcceptEncoding.allowsGzip(["gzip;q=0", "*"]) == false)
    }

    @Test("weights are read in thousandths")
    func weights() {
        let field = AcceptEncoding(["gzip;q=0.25, identity;q=0.125, *;q=0"])
        #expect(field.gzip == 250)
        #expect(field.identity == 125)
        #expect(field.any == 0)
        #expect(AcceptEncoding(["deflate"]) == AcceptEncoding([]))
    }
}
