import Testing

@testable import LogitService

@Suite struct NegotiationTests {
    typealias R = Negotiation.Representation

    /// `Accept` values (each string one field line) and the answer RFC 9110 §12.5.1 gives: nil is 406.
    @Test(
        arguments: [
            ([], R.json),  // no field: anything goes, and JSON is the default
            ([""], .json),  // an empty field is no field
            (["*/*"], .json),
            (["application/json"], .json),
            (["image/svg+xml"], .svg),
            (["IMAGE/SVG+XML"], .svg),  // type and subtype are case-insensitive
            (["image/*"], .svg),
            (["image/svg+xml, application/json"], .json),  // equal weights: JSON
            (["image/svg+xml;q=1, application/json;q=0.9"], .svg),
            (["image/svg+xml;q=0.5, application/json;q=0.5"], .json),
            (["image/svg+xml;q=0.501, application/json;q=0.5"], .svg),
            (["image/svg+xml, */*;q=0.8"], .svg),  // Chromium's Accept for an <img>, in short
            // A browser navigating to a page.
            (["text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"], .json),
            (["image/*, */*;q=0.1"], .svg),
            (["application/*, image/*"], .json),
            (["*/*;q=0.5, image/svg+xml;q=0.6"], .svg),
            (["*/*, application/json;q=0"], .svg),  // JSON refused, anything else is fine
            (["*/*, image/svg+xml;q=0"], .json),
            (["image/*;q=0, image/svg+xml"], .svg),  // the most specific range wins
            (["image/svg+xml;q=0, image/*"], nil),  // SVG refused, and image/* does not cover JSON
            (["text/html"], nil),
            (["image/png, text/csv"], nil),
            (["application/json;q=0"], nil),
            (["*/*;q=0"], nil),
            (["application/json;q=0, image/svg+xml;q=0"], nil),
            (["image/svg+xml;q=0.0"], nil),
            (["text/html", "image/svg+xml"], .svg),  // two field lines are one list
            ([",, image/svg+xml ,"], .svg),  // empty list elements
            (["image/svg+xml ; q=0.9 , application/json ; Q=0.8"], .svg),  // spaces, Q in capitals
            (["image/svg+xml;charset=utf-8;q=0.9, application/json;q=0.8"], .svg),  // a parameter before q
            (["image/svg+xml;q=0.9;ext=1, application/json;q=0.8"], .svg),  // an accept-ext after q
            (["image/svg+xml;x=\"a,b;q=0\", application/json;q=0.5"], .svg),  // a quoted string with , and ;
            (["image/svg+xml;q=2, application/json;q=0.1"], .json),  // q above 1: that range is ignored
            (["image/svg+xml;q=0.1234, application/json;q=0.1"], .json),  // four decimals: ignored
            (["image/svg+xml;q=, application/json;q=0.1"], .json),  // empty q: ignored
            (["image/svg+xml;q=1.001"], .json),  // the only range is malformed: as if there were no field
            (["svg"], .json),  // not a media range: as if there were no field
            (["*/svg+xml"], .json),  // */subtype is not a media range
            (["text/html, garbage, image/svg+xml;q=0.2"], .svg),
            (["image/svg+xml;q=1.000, application/json;q=0.999"], .svg),
        ] as [([String], R?)])
    func choosesByRFC9110(accept: [String], expected: R?) {
        #expect(Negotiation.representation(accept: accept) == expected)
    }

    @Test(arguments: [
        ("0", 0), ("1", 1000), ("0.5", 500), ("0.05", 50), ("0.005", 5), ("1.0", 1000), ("1.000", 1000), ("0.", 0),
    ])
    func readsQualityInThousandths(text: String, thousandths: Int) {
        #expect(Negotiation.MediaRange.quality(text[...]) == thousandths)
    }

    @Test(arguments: ["", "2", "1.1", "0.0001", "-0", ".5", "0,5", "1e0", "0.5 "])
    func refusesMalformedQuality(text: String) {
        #expect(Negotiation.MediaRange.quality(text[...]) == nil)
    }
}
