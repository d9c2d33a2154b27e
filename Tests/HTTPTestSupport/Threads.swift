import Dispatch
import Foundation

/// Runs `body(0..<count)` on `count` new threads and waits for all of them.
///
/// Blocking client work must not run on Dispatch's shared pool (`concurrentPerform`,
/// `DispatchQueue.global()`, or Swift concurrency's executor, which on Linux is that pool): the
/// server's connections run there too, and clients blocked waiting for them would take the threads
/// the server needs to answer.
package func runOnThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let done = DispatchSemaphore(value: 0)
    for index in 0..<count {
        let thread = Thread {
            body(index)
            done.signal()
        }
        thread.start()
    }
    for _ in 0..<count { done.wait() }
}
