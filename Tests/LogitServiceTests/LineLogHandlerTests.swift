import Foundation
import HTTPServer
import Logging
import LogitService
import Testing

/// The access log's handler: StreamLogHandler's line format, one `write(2)` per line.
@Suite struct LineLogHandlerTests {
    // The source in brackets is the calling module, as swift-log fills it in.

    /// Logs through a handler writing to a pipe and returns what came out of the pipe.
    private func captured(level: Logger.Level = .info, _ body: (inout Logger) -> Void) -> String {
        let pipe = Pipe()
        let timestamps = TimestampCache()
        var logger = Logger(label: "logitd") { label in
            LineLogHandler(label: label, fd: pipe.fileHandleForWriting.fileDescriptor, timestamps: timestamps)
        }
        logger.logLevel = level
        body(&logger)
        try? pipe.fileHandleForWriting.close()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    @Test func formatsLikeStreamLogHandler() {
        let line = LineLogHandler.format(
            timestamp: "2026-11-29T21:25:03+0000", level: .info, label: "logitd", metadata: nil,
            source: "LogitService", message: "POST /softmax 200 117B 0.215ms")
        #expect(
            String(decoding: line, as: UTF8.self)
                == "2026-11-29T21:25:03+0000 info logitd: [LogitService] POST /softmax 200 117B 0.215ms\n")
        let withMetadata = LineLogHandler.format(
            timestamp: "T", level: .debug, label: "", metadata: "a=1 b=2", source: "S", message: "m")
        #expect(String(decoding: withMetadata, as: UTF8.self) == "T debug: a=1 b=2 [S] m\n")
    }

    /// The access log's own path writes what `Logger.info` would for the same message from LogitService,
    /// byte for byte after the timestamp, handler metadata included.
    @Test func accessLinesAreTheLinesLoggerInfoWrites() {
        let records: [(method: String, path: String, status: Int, bytes: Int, duration: Duration, ms: String)] = [
            ("POST", "/softmax", 200, 117, .microseconds(215), "0.215"),
            ("-", "-", 400, 0, .nanoseconds(499), "0.000"),
            ("GET", "/healthz", 200, 15, .nanoseconds(500), "0.001"),
            ("POST", "/caf\u{E9}", 503, 2_932_247, .seconds(12) + .microseconds(3456), "12003.456"),
            ("OPTIONS", "*", 204, 0, .milliseconds(1), "1.000"),
        ]
        for withMetadata in [false, true] {
            let out = captured { logger in
                if withMetadata { logger[metadataKey: "pod"] = "a" }
                let handler = logger.handler as! LineLogHandler
                for r in records {
                    logger.info("\(r.method) \(r.path) \(r.status) \(r.bytes)B \(r.ms)ms", source: "LogitService")
                    handler.record(
                        ResponseRecord(
                            method: r.method, path: r.path, status: r.status, bodyBytes: r.bytes, duration: r.duration),
                        output: .immediate)
                }
            }
            let lines = out.split(separator: "\n").map { $0.drop { $0 != " " } }
            #expect(lines.count == 2 * records.count, "\(out)")
            for (i, r) in records.enumerated() where 2 * i + 1 < lines.count {
                #expect(lines[2 * i + 1] == lines[2 * i], "\(r)")
            }
            let prefix = withMetadata ? "logitd: pod=a [LogitService] POST" : "logitd: [LogitService] POST"
            #expect(lines.first?.contains(prefix) == true, "\(out)")
        }
        // Below the handler's level, neither writes.
        let quiet = captured(level: .warning) { logger in
            (logger.handler as! LineLogHandler).record(
                ResponseRecord(method: "GET", path: "/", status: 200, bodyBytes: 1, duration: .zero), output: .immediate
            )
        }
        #expect(quiet.isEmpty)
    }

    @Test func writesOneLinePerRecordAtOrAboveTheLevel() {
        let out = captured { logger in
            logger.debug("hidden")
            logger.info("first")
            logger.warning("second", metadata: ["z": "1", "a": "2"])
        }
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3, "two lines and the final newline: \(out)")
        #expect(lines[0].hasSuffix(" info logitd: [LogitServiceTests] first"), "\(lines[0])")
        #expect(lines[1].hasSuffix(" warning logitd: a=2 z=1 [LogitServiceTests] second"), "\(lines[1])")
        #expect(!out.contains("hidden"))
    }

    @Test func handlerMetadataIsMergedWithTheRecordsOwn() {
        let out = captured { logger in
            logger[metadataKey: "conn"] = "7"
            logger.info("x", metadata: ["conn": "8", "b": "1"])
            logger.info("y")
        }
        let lines = out.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasSuffix(": b=1 conn=8 [LogitServiceTests] x"), "the record's value wins: \(lines[0])")
        #expect(lines[1].hasSuffix(": conn=7 [LogitServiceTests] y"), "\(lines[1])")
    }

    /// Lines written from many threads at once arrive whole: each is one write(2).
    @Test func concurrentLinesStayWhole() {
        let out = captured { logger in
            let shared = logger
            DispatchQueue.concurrentPerform(iterations: 8) { thread in  // 400 lines, well inside a pipe's 64 KiB buffer
                for i in 0..<50 { shared.info("thread \(thread) line \(i) end") }
            }
        }
        let lines = out.split(separator: "\n")
        #expect(lines.count == 400)
        #expect(lines.allSatisfy { $0.contains(" info logitd: [LogitServiceTests] thread ") && $0.hasSuffix(" end") })
    }

    @Test func timestampHasStreamLogHandlersShapeAndIsCachedPerSecond() {
        let cache = TimestampCache()
        let a = cache.text(atEpochSecond: 1_780_000_000)
        #expect(a == TimestampCache.format(epochSeconds: 1_780_000_000))
        #expect(cache.text(atEpochSecond: 1_780_000_000) == a)
        #expect(cache.text(atEpochSecond: 1_780_000_001) != a)
        // %Y-%m-%dT%H:%M:%S%z: 19 characters of date and time, then a sign and four digits.
        #expect(a.utf8.count == 24)
        #expect(a.hasPrefix("2026-05-28T") || a.hasPrefix("2026-05-29T"), "\(a)")
        #expect(a.dropFirst(19).first == "+" || a.dropFirst(19).first == "-")
    }
}
