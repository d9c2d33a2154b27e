import Glibc
package import HTTPServer
package import Logging

/// A `LogHandler` that writes each record as one line to a file descriptor (stderr by default),
/// in swift-log's `StreamLogHandler` format:
/// `2026-11-29T21:25:03+0000 info logitd: [LogitService] POST /softmax 200 117B 0.215ms`.
///
/// Why not `StreamLogHandler`: the access log writes a line per request, and there it cost more
/// than parsing, computing and answering a small request together (Benchmarks/README.md, README
/// "Performance"): `strftime` and `localtime` on every line, a 255-byte array and three Strings
/// per line, `flockfile`, `fputs` and `fflush`. This one formats the timestamp once per second
/// (shared by every handler made from one `Clock`), assembles the line in one byte array sized up
/// front, and hands it to the kernel in a single `write(2)`, which keeps concurrent lines whole without a lock of
/// our own (the kernel serialises writes to one open file). As the service's `AccessLog`, it writes
/// each response's line through the server's `BatchOutput`, so the lines of an event loop's batch share
/// one `write(2)` at the batch's end.
package struct LineLogHandler: LogHandler, AccessLog {
    package var logLevel: Logger.Level = .info
    package var metadata: Logger.Metadata = [:] {
        didSet { prettyMetadata = Self.prettify(metadata) }
    }
    private var prettyMetadata: String?
    private let label: String
    private let fd: Int32
    private let clock: TimestampCache

    /// - Parameters:
    ///   - fd: where lines go; 2 (stderr) for the service.
    ///   - timestamps: the per-second timestamp cache; handlers made for one output share one.
    package init(label: String, fd: Int32 = 2, timestamps: TimestampCache = .shared) {
        self.label = label
        self.fd = fd
        self.clock = timestamps
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var pretty = prettyMetadata
        if let explicit = event.metadata, !explicit.isEmpty {
            pretty = Self.prettify(metadata.merging(explicit) { _, new in new })
        }
        if let error = event.error {
            var merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
            pretty = Self.prettify(merged)
        }
        let line = LineLogHandler.format(
            timestamp: clock.current(), level: event.level, label: label, metadata: pretty, source: event.source,
            message: event.message.description)
        line.withUnsafeBytes { writeAll(fd, $0) }
    }

    /// The access log's line for one response: exactly what `log(event:)` writes for an info record
    /// with message `METHOD PATH STATUS BYTESB MSms` logged from LogitService, assembled from the
    /// record's parts into one byte array (through `Logger.info` the line cost several Strings and a
    /// `LogEvent` per response; see Benchmarks/README.md). Nil below the handler's level.
    package func accessLine(method: String, path: String, status: Int, bodyBytes: Int, duration: Duration) -> [UInt8]? {
        guard logLevel <= .info else { return nil }
        let timestamp = clock.current()
        let source = "LogitService"
        var line: [UInt8] = []
        let bound =
            Self.headBound(timestamp: timestamp, level: .info, label: label, metadata: prettyMetadata, source: source)
            + Self.accessMessageBound(method: method, path: path) + 1
        line.append(bound: bound) { out in
            Self.writeHead(
                timestamp: timestamp, level: .info, label: label, metadata: prettyMetadata, source: source, to: &out)
            Self.writeAccessMessage(
                method: method, path: path, status: status, bodyBytes: bodyBytes, duration: duration, to: &out)
            out.write(UInt8(ascii: "\n"))
        }
        return line
    }

    /// Writes the response's access line through `output` (with the event loop's batch).
    package func record(_ record: ResponseRecord, output: BatchOutput) {
        guard
            let line = accessLine(
                method: record.method, path: record.path, status: record.status, bodyBytes: record.bodyBytes,
                duration: record.duration)
        else { return }
        line.withUnsafeBytes { output.write($0, to: fd) }
    }

    /// The access log's message, `METHOD PATH STATUS BYTESB MSms`, the milliseconds with three decimals
    /// rounded to the microsecond (`POST /softmax 200 117B 0.215ms`).
    package static func appendAccessMessage(
        method: String, path: String, status: Int, bodyBytes: Int, duration: Duration, to line: inout [UInt8]
    ) {
        line.append(bound: accessMessageBound(method: method, path: path)) { out in
            writeAccessMessage(
                method: method, path: path, status: status, bodyBytes: bodyBytes, duration: duration, to: &out)
        }
    }

    /// The most bytes `writeAccessMessage` writes: the method, the path, three numbers of at most 20
    /// digits and a sign, and 12 more.
    private static func accessMessageBound(method: String, path: String) -> Int {
        method.utf8.count + path.utf8.count + 3 * 21 + 12
    }

    private static func writeAccessMessage(
        method: String, path: String, status: Int, bodyBytes: Int, duration: Duration, to out: inout ByteCursor
    ) {
        out.write(method)
        out.write(UInt8(ascii: " "))
        out.write(path)
        out.write(UInt8(ascii: " "))
        writeDecimal(status, to: &out)
        out.write(UInt8(ascii: " "))
        writeDecimal(bodyBytes, to: &out)
        out.write("B ")
        let micros = (duration.nanoseconds + 500) / 1000
        writeDecimal(Int(micros / 1000), to: &out)
        let fraction = Int(micros % 1000)
        out.write(UInt8(ascii: "."))
        out.write(UInt8(ascii: "0") + UInt8(fraction / 100))
        out.write(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        out.write(UInt8(ascii: "0") + UInt8(fraction % 10))
        out.write("ms")
    }

    /// `value` in decimal, as `String(value)` spells it: at most 21 bytes.
    private static func writeDecimal(_ value: Int, to out: inout ByteCursor) {
        if value < 0 { out.write(UInt8(ascii: "-")) }
        out.writeDecimal(UInt64(value.magnitude))
    }

    /// One line, exactly as `StreamLogHandler` writes it, newline included.
    package static func format(
        timestamp: String, level: Logger.Level, label: String, metadata: String?, source: String, message: String
    ) -> [UInt8] {
        var line: [UInt8] = []
        let bound =
            headBound(timestamp: timestamp, level: level, label: label, metadata: metadata, source: source)
            + message.utf8.count + 1
        line.append(bound: bound) { out in
            writeHead(timestamp: timestamp, level: level, label: label, metadata: metadata, source: source, to: &out)
            out.write(message)
            out.write(UInt8(ascii: "\n"))
        }
        return line
    }

    /// The most bytes `writeHead` writes.
    private static func headBound(
        timestamp: String, level: Logger.Level, label: String, metadata: String?, source: String
    ) -> Int {
        timestamp.utf8.count + level.rawValue.utf8.count + label.utf8.count + (metadata?.utf8.count ?? 0)
            + source.utf8.count + 8
    }

    /// Everything of a line before its message: `TIMESTAMP LEVEL LABEL: METADATA [SOURCE] `.
    private static func writeHead(
        timestamp: String, level: Logger.Level, label: String, metadata: String?, source: String,
        to out: inout ByteCursor
    ) {
        out.write(timestamp)
        out.write(UInt8(ascii: " "))
        out.write(level.rawValue)
        if !label.isEmpty {
            out.write(UInt8(ascii: " "))
            out.write(label)
        }
        out.write(UInt8(ascii: ":"))
        if let metadata {
            out.write(UInt8(ascii: " "))
            out.write(metadata)
        }
        out.write(" [")
        out.write(source)
        out.write("] ")
    }

    private static func prettify(_ metadata: Logger.Metadata) -> String? {
        metadata.isEmpty ? nil : metadata.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")
    }
}

/// The local time as `2026-11-29T21:25:03+0000` (StreamLogHandler's `%Y-%m-%dT%H:%M:%S%z`),
/// formatted at most once per second.
package final class TimestampCache: Sendable {
    private let text = PerSecondText(format: TimestampCache.format(epochSeconds:))

    package init() {}

    /// The cache the service's handlers share.
    package static let shared = TimestampCache()

    package func current() -> String { text(atEpochSecond: time(nil)) }

    /// The timestamp for `second`, reformatted only when the second changed since the last call.
    package func text(atEpochSecond second: Int) -> String { text.text(atEpochSecond: second) }

    package static func format(epochSeconds: Int) -> String {
        var t = time_t(epochSeconds)
        var parts = tm()
        guard localtime_r(&t, &parts) != nil else { return "<unknown>" }
        var buffer = [CChar](repeating: 0, count: 64)
        let n = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
