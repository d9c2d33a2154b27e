package import Dispatch
import HTTPServer
package import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Waits until `condition` holds, for at most `timeout`; when the deadline passes first it records
/// a test issue naming `what` and returns false.
///
/// For state a test can only read, such as `Server.openConnections`. It checks again every
/// millisecond: the deadline bounds the wait, never how long the test expects things to take.
@discardableResult
package func waitUntil(
    _ what: @autoclosure () -> String, timeout: Duration = .seconds(10),
    sourceLocation: SourceLocation = #_sourceLocation, _ condition: () -> Bool
) async -> Bool {
    let deadline = Deadline(timeout)
    while !condition() {
        if deadline.expired(what, at: sourceLocation) { return false }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return true
}

/// As the `async` `waitUntil`, blocking the calling thread, for synchronous tests.
@discardableResult
package func waitUntil(
    _ what: @autoclosure () -> String, timeout: Duration = .seconds(10),
    sourceLocation: SourceLocation = #_sourceLocation, _ condition: () -> Bool
) -> Bool {
    let deadline = Deadline(timeout)
    while !condition() {
        if deadline.expired(what, at: sourceLocation) { return false }
        usleep(1000)
    }
    return true
}

/// One wait's end: whether it has passed, recording the test issue when it has.
private struct Deadline {
    let timeout: Duration
    let end: ContinuousClock.Instant

    init(_ timeout: Duration) {
        self.timeout = timeout
        end = ContinuousClock.now.advanced(by: timeout)
    }

    func expired(_ what: () -> String, at sourceLocation: SourceLocation) -> Bool {
        guard ContinuousClock.now >= end else { return false }
        Issue.record("waited \(timeout) for \(what())", sourceLocation: sourceLocation)
        return true
    }
}

/// Waits for `semaphore` for at most `timeout`; records a test issue naming `what` when the deadline
/// passes first. For events a hook signals (a handler entered, a callback ran).
@discardableResult
package func wait(
    for semaphore: DispatchSemaphore, _ what: @autoclosure () -> String, timeout: Duration = .seconds(10),
    sourceLocation: SourceLocation = #_sourceLocation
) -> Bool {
    guard semaphore.wait(timeout: .now() + .nanoseconds(Int(timeout.nanoseconds))) == .success else {
        Issue.record("waited \(timeout) for \(what())", sourceLocation: sourceLocation)
        return false
    }
    return true
}
