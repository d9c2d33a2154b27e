import HTTPServer
import HTTPTypes

/// Which `Content-Type`s are read as JSON (API.md "Errors", 415).
///
/// Lenient on purpose: scripts post with curl's default `application/x-www-form-urlencoded`,
/// or `text/plain`, or send no type at all, and mean JSON. A type that cannot carry JSON
/// (`text/csv`, `multipart/form-data`) is refused rather than misread.
enum ContentType {
    static func check(_ request: Request) throws(Problem) {
        guard let raw = request.headers[.contentType] else { return }
        // The type nearly every request carries, recognised without splitting or lowercasing.
        if Headers.equal(raw, "application/json") { return }
        let mediaType = raw.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces().lowercased() } ?? ""
        // An empty field is as good as none: curl -H 'Content-Type:' sends it that way.
        if mediaType.isEmpty || isJSON(mediaType) { return }
        throw Problem(.unsupportedMediaType, "Content-Type \(mediaType) cannot carry JSON; send application/json")
    }

    static func isJSON(_ mediaType: String) -> Bool {
        switch mediaType {
        case "application/json", "text/plain", "application/x-www-form-urlencoded", "*/*": return true
        default: return mediaType.hasSuffix("+json") && mediaType.contains("/")
        }
    }
}
