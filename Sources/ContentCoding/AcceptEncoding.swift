/// A request's `Accept-Encoding` (RFC 9110 §12.5.3), read for the one question logitd asks of
/// it: may the response be gzip-compressed?
///
///     Accept-Encoding = #( codings [ weight ] )
///     codings         = content-coding / "identity" / "*"
///     weight          = OWS ";" OWS "q=" qvalue
///     qvalue          = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
///
/// gzip's weight is its own entry's (`gzip` or `x-gzip`), else that of `*`, else 0: a named coding
/// overrides `*`. gzip is chosen when its weight is above 0 and not below a weight the field gives
/// identity (its own entry's, else that of `*`): `gzip;q=0.5, identity` prefers the uncompressed
/// answer, a tie goes to the smaller one, and where the field rates identity not at all (it is
/// acceptable by default, with no stated preference) `gzip;q=0.1` is enough. Names are case-insensitive. An entry whose weight does not
/// parse counts as q=0, so a malformed field can only turn compression off. Without the field
/// nothing is compressed (the caller does not ask), and an empty field means "identity only".
package struct AcceptEncoding: Sendable, Equatable {
    /// Weights in thousandths (qvalue has at most three decimals), nil where the field is silent.
    package private(set) var gzip: Int?
    package private(set) var identity: Int?
    package private(set) var any: Int?

    /// The field made of `values` (several fields are one comma-separated list, RFC 9110 §5.3).
    package init(_ values: some Sequence<String>) {
        for value in values {
            for element in value.split(separator: ",") {
                var parts = element.split(separator: ";", omittingEmptySubsequences: false).makeIterator()
                let name = ASCII.trimmingWhitespace(parts.next() ?? "")
                if name.isEmpty { continue }
                var weight = 1000
                while let parameter = parts.next() {
                    let p = ASCII.trimmingWhitespace(parameter)
                    guard p.utf8.count >= 2, ASCII.lower(p.utf8.first!) == UInt8(ascii: "q"),
                        p.utf8.dropFirst().first == UInt8(ascii: "=")
                    else { continue }  // not a weight: RFC 9110 has no other parameter here
                    weight = Self.qvalue(p.utf8.dropFirst(2)) ?? 0
                }
                // The first entry for a name wins; a repeat is a client's mistake, not a refinement.
                if ASCII.equalsIgnoringCase(name, "gzip") || ASCII.equalsIgnoringCase(name, "x-gzip") {
                    gzip = gzip ?? weight
                } else if ASCII.equalsIgnoringCase(name, "identity") {
                    identity = identity ?? weight
                } else if name == "*" {
                    any = any ?? weight
                }
            }
        }
    }

    /// Whether a response may be gzip-compressed under this field.
    package var allowsGzip: Bool {
        let gzipWeight = gzip ?? any ?? 0
        let identityWeight = identity ?? any ?? 0
        return gzipWeight > 0 && gzipWeight >= identityWeight
    }

    /// Whether a response may be gzip-compressed for a request whose `Accept-Encoding` fields are
    /// `values`: never when there are none.
    package static func allowsGzip(_ values: [String]) -> Bool {
        values.isEmpty ? false : AcceptEncoding(values).allowsGzip
    }

    /// A qvalue in thousandths, or nil if `text` is not one (`1.5`, `0.1234`, `.5`, `-0`). `Accept`'s media-range
    /// weights use the same grammar (RFC 9110 §12.4.2).
    package static func qvalue(_ text: Substring.UTF8View.SubSequence) -> Int? {
        var bytes = text.makeIterator()
        guard let lead = bytes.next(), lead == UInt8(ascii: "0") || lead == UInt8(ascii: "1") else { return nil }
        var value = Int(lead - UInt8(ascii: "0")) * 1000
        guard let dot = bytes.next() else { return value }
        guard dot == UInt8(ascii: ".") else { return nil }
        var scale = 100
        while let digit = bytes.next() {
            guard scale > 0, digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value += Int(digit - UInt8(ascii: "0")) * scale
            scale /= 10
        }
        return value <= 1000 ? value : nil
    }
}
