import Glibc

/// A value behind a `pthread_mutex_t`.
///
/// Why not `Synchronization.Mutex`: on Linux its lock and unlock are atomics and futex calls inside
/// the (uninstrumented) standard library, so ThreadSanitizer never sees the happens-before edge and
/// reports every access it guards as a race (checked on 6.3.1: nine reports in the server tests).
/// TSan intercepts `pthread_mutex_lock`, so with this lock `swift test --sanitize=thread` is quiet
/// and a report means a real race.
package final class Locked<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    package init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
