/// What `onResponse` may write to a descriptor (the access log's lines), handed to it with each
/// record: bytes written while an event loop runs a batch leave with the rest of the batch's, in one
/// `write(2)` when the batch ends (whole lines, in order per loop, at most one batch late); other
/// bytes (an offloaded request's answer, the connection cap's 503) are written at once.
///
/// Why: a `write(2)` per response was a measurable share of a small request (Benchmarks/README.md).
package struct BatchOutput {
    private let loop: EventLoop?

    init(loop: EventLoop?) {
        self.loop = loop
    }

    /// Writes at once: for records reported outside any event loop.
    package static let immediate = BatchOutput(loop: nil)

    /// Writes `bytes` to `fd` with the batch, or at once (a failing descriptor is ignored: a log must
    /// not stop the server).
    package func write(_ bytes: UnsafeRawBufferPointer, to fd: Int32) {
        if let loop, loop.appendToBatch(bytes, to: fd) { return }
        writeAll(fd, bytes)
    }
}
