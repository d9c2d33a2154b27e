import Glibc

/// The `Date` header value (RFC 9110 §6.6.1, IMF-fixdate), formatted at most once per second.
///
/// Every response carries a `Date`, and formatting one costs more than the rest of a small
/// response; the value only changes once a second, so connections share one cached copy.
package final class DateCache: Sendable {
    private let text = PerSecondText(format: DateCache.imfFixdate(epochSeconds:))

    package init() {}

    /// The header value for the current second.
    package func current() -> String { value(atEpochSecond: DateCache.currentSecond()) }

    /// The header value for `second`, reformatted only when the second changed since the last call.
    package func value(atEpochSecond second: Int) -> String { text.text(atEpochSecond: second) }

    static func currentSecond() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int(ts.tv_sec)
    }

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for 784111777: fixed-width, English names, always GMT,
    /// computed with `gmtime_r` (thread-safe, no locale), so no Foundation formatter is needed.
    package static func imfFixdate(epochSeconds: Int) -> String {
        var t = time_t(epochSeconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let year = Int(parts.tm_year) + 1900
        var yearText = String(year)
        while yearText.count < 4 { yearText = "0" + yearText }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(yearText) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}

/// A text that depends only on the second (a `Date` header, a log timestamp), formatted when the
/// second changes and shared by every caller until the next one.
package final class PerSecondText: Sendable {
    private struct Entry {
        var second: Int
        var text: String
    }
    private let entry = Locked(Entry(second: Int.min, text: ""))
    private let format: @Sendable (Int) -> String

    /// - Parameter format: the text for a second since the epoch.
    package init(format: @escaping @Sendable (Int) -> String) {
        self.format = format
    }

    /// The text for `second`, reformatted only when the second changed since the last call.
    package func text(atEpochSecond second: Int) -> String {
        entry.withLock { entry in
            if entry.second != second {
                entry.second = second
                entry.text = format(second)
            }
            return entry.text
        }
    }
}
