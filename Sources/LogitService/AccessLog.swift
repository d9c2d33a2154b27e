package import HTTPServer
package import Logging

/// Where the access log's line for each response goes (API.md "Running it": method, path, status,
/// body bytes, duration). `LineLogHandler` writes it straight from the record's parts, with the event
/// loop's batch; `LoggerAccessLog` sends it through any swift-log `Logger`.
package protocol AccessLog: Sendable {
    /// Called for every response, on the event loop that wrote it (or the listener, for the connection
    /// cap's 503); what it writes through `output` leaves with the loop's batch.
    func record(_ record: ResponseRecord, output: BatchOutput)
}

/// The access log through a `Logger`'s `info`, whatever its handler: one message per response.
package struct LoggerAccessLog: AccessLog {
    package let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    package func record(_ record: ResponseRecord, output: BatchOutput) {
        guard logger.logLevel <= .info else { return }
        var message: [UInt8] = []
        LineLogHandler.appendAccessMessage(
            method: record.method, path: record.path, status: record.status, bodyBytes: record.bodyBytes,
            duration: record.duration, to: &message)
        logger.info("\(String(decoding: message, as: UTF8.self))")
    }
}
