import HTTPServer
import Testing

struct DateCacheTests {
    /// RFC 9110 §5.6.7's own example, and edges of the calendar gmtime_r must get right.
    @Test(arguments: [
        (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
        (1_709_251_199, "Thu, 29 Feb 2024 23:59:59 GMT"),
        (4_102_444_800, "Fri, 01 Jan 2100 00:00:00 GMT"),
    ])
    func formatsIMFFixdate(seconds: Int, expected: String) {
        #expect(DateCache.imfFixdate(epochSeconds: seconds) == expected)
    }

    @Test func reformatsOnlyWhenTheSecondChanges() {
        let cache = DateCache()
        #expect(cache.value(atEpochSecond: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(cache.value(atEpochSecond: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(cache.value(atEpochSecond: 784_111_778) == "Sun, 06 Nov 1994 08:49:38 GMT")
    }

    @Test func currentValueIsAWellFormedDate() {
        let value = DateCache().current()
        #expect(value.utf8.count == 29)
        #expect(value.hasSuffix(" GMT"))
    }
}
