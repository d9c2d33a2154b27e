import Dispatch
import Glibc
import HTTPTypes
import Logging
import Synchronization

/// One accepted socket: reads, parses, runs the handler and writes, all on its `EventLoop`'s queue.
///
/// Why this shape:
/// - The loop's queue is the lock: every mutable property is touched only there, which is why the
///   class can be `@unchecked Sendable`.
/// - The responder runs on the loop's queue, where the request was parsed: no hop for the small
///   requests that are nearly all of the traffic. Work it offloads goes to Dispatch's pool, and the
///   connection reads nothing more until its answer is back, so a slow handler holds only its own
///   connection, and pipelined responses stay in request order.
/// - Reads stop while a response cannot be written (the socket would block), so a client that
///   pipelines without reading can fill at most one read buffer and the kernel's socket buffers.
/// - The socket is non-blocking; writes use `MSG_NOSIGNAL` so a peer's reset cannot raise SIGPIPE.
final class Connection: EventLoopHandler, @unchecked Sendable {
    private let fd: Int32
    let loop: EventLoop
    private let context: ServerContext
    private let onClosed: @Sendable (Connection) -> Void
    private let timer: any DispatchSourceTimer
    /// What the loop's poller watches the socket for now.
    private var watched = (read: false, write: false)
    /// A handler is running on Dispatch's pool for the request at the head of the buffer.
    private var awaitingHandler = false

    private var machine: ConnectionStateMachine<ContinuousClock>
    private var parser: RequestParser
    private var output = OutputQueue()

    private var readSuspended = false
    /// The parser may hold complete requests not answered yet. Reading resumes only once they are:
    /// otherwise a client that pipelines without reading, answered by an offloaded handler one
    /// request per round trip, would have a buffer's worth read for every request answered.
    private var requestsBuffered = false
    /// The loop will flush this connection at the end of its current batch.
    private var flushDeferred = false
    private var writeSuspended = true
    private var armedDeadline: ContinuousClock.Instant?
    /// Close once the output is written.
    private var closeAfterFlush = false
    /// A response was queued on this connection since it was accepted, so closing should linger.
    private var wroteResponse = false
    /// Our side is shut (`SHUT_WR`); reading only to drain what the peer still sends.
    private var lingering = false
    private var isClosed = false
    private var discardedBytes = 0
    /// The socket's `SO_RCVLOWAT` (see `updateReceiveLowWater`); the kernel's default is 1.
    private var receiveLowWater: Int32 = 1

    /// When the request being read started, and its method and path once its head is parsed.
    private var requestStart: ContinuousClock.Instant?
    private var requestMethod = "-"
    private var requestPath = "-"
    /// The route the responder matched for the request being answered (`Reply.route`).
    private var requestRoute: String?

    /// Where handlers too large to run on the loop go: Dispatch's default-priority pool, which adds
    /// threads when handlers block.
    private static let pool = DispatchQueue.global()

    private static let readsPerEvent = 4
    /// How much a closing connection reads and throws away before it gives up lingering.
    private static let maxDiscardedBytes = 1 << 20
    /// Flush mid-burst once this much is queued, so a pipelined burst does not grow `output` unbounded.
    private static let flushThreshold = 256 * 1024

    init(fd: Int32, context: ServerContext, onClosed: @escaping @Sendable (Connection) -> Void) {
        self.fd = fd
        self.context = context
        self.onClosed = onClosed
        self.loop = EventLoop.next()
        self.timer = DispatchSource.makeTimerSource(queue: loop.queue)
        self.machine = ConnectionStateMachine(
            requestTimeout: context.configuration.requestTimeout, idleTimeout: context.configuration.idleTimeout,
            now: .now)
        self.parser = RequestParser(limits: context.limits)
    }

    /// Starts reading and arms the idle timer. Called once, after the server has registered it.
    func start() {
        loop.execute { [self] in
            timer.setEventHandler { [weak self] in self?.timerFired() }
            timer.resume()
            updateInterest()
            if let deadline = machine.deadline { arm(deadline) }
        }
    }

    /// Graceful shutdown reached this connection (see `ConnectionStateMachine.shutdownRequested`).
    func requestShutdown() {
        loop.execute { [self] in
            guard !isClosed else { return }
            // Bytes already in the kernel's buffer were received, even if their read event has not
            // run yet: read them first, so that an "idle" connection with a request waiting is
            // answered rather than dropped.
            if case .idle = machine.state, !readSuspended, !awaitingHandler { readable() }
            guard !isClosed else { return }
            apply(machine.shutdownRequested())
        }
    }

    /// The grace period is over: close whatever state the connection is in.
    func forceClose() {
        loop.execute { [self] in closeNow() }
    }

    // MARK: Reading

    func flushDeferredOutput() {
        flushDeferred = false
        flush()
    }

    func ready(readable: Bool, writable: Bool) {
        if writable && !writeSuspended { self.writable() }
        if readable && !readSuspended && !isClosed { self.readable() }
    }

    private func readable() {
        guard !isClosed else { return }
        defer { updateReceiveLowWater() }
        // A short read ends the turn: the poller is level-triggered, so whatever is still there (more
        // bytes, or a FIN or reset that came with the last ones) is reported on its next poll, and
        // a small request costs one recv, not a second one for EAGAIN. A few full reads per event
        // at most: a client streaming fast must not keep the loop from its other connections.
        for _ in 0..<Connection.readsPerEvent {
            // The loop's buffer: the bytes are copied into the parser before anything else runs. A large
            // body is received straight into place instead.
            let readBuffer = loop.readBuffer
            var requested = readBuffer.count
            var inPlace = false
            let n: Int
            if !lingering && !closeAfterFlush,
                let direct = parser.receiveBody({ recv(fd, $0.baseAddress, $0.count, 0) })
            {
                (n, requested, inPlace) = (direct.received, direct.requested, true)
            } else {
                n = recv(fd, readBuffer.baseAddress, readBuffer.count, 0)
            }
            if n > 0 {
                if lingering || closeAfterFlush {
                    // Draining before the close: discarded, and bounded, so a peer cannot keep a
                    // closing connection alive by sending for ever.
                    discardedBytes += n
                    if discardedBytes > Connection.maxDiscardedBytes { closeNow() }
                    if isClosed { return }
                    continue
                }
                let now = ContinuousClock.now
                if parser.isIdle { requestStart = now }
                if !inPlace { parser.append(UnsafeRawBufferPointer(rebasing: readBuffer[..<n])) }
                requestsBuffered = true
                apply(machine.bytesReceived(now: now))
                process()
                if isClosed || readSuspended || closeAfterFlush || n < requested { return }
            } else if n == 0 {
                if lingering {
                    closeNow()
                } else {
                    apply(machine.inputClosed())
                    if !isClosed && !closeAfterFlush { suspendReading() }
                }
                return
            } else {
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return
                default:
                    context.logger.debug("read failed", metadata: ["errno": "\(errno)"])
                    closeNow()
                    return
                }
            }
        }
    }

    // MARK: Answering

    /// Answers every complete request in the parser's buffer, in order, while the socket takes
    /// the responses, and writes them.
    private func process() {
        var parserNeedsBytes = false
        repeat {
            parserNeedsBytes = answerBufferedRequests()
            if parserNeedsBytes && loop.isPolling && !isClosed {
                // Every answer of the loop's batch leaves together at its end (see
                // `EventLoop.deferFlush`); this connection has nothing more to do before then.
                if !flushDeferred {
                    flushDeferred = true
                    loop.deferFlush(self)
                }
                return
            }
            flush()
            // The final flush may drain a socket that was full when the loop stopped; then no
            // write event will come to resume, so carry on here while requests remain.
        } while !parserNeedsBytes && writeSuspended && !isClosed && !closeAfterFlush && !awaitingHandler
    }

    /// Answers buffered requests until the parser needs more bytes (returns true), the socket is
    /// full, or the connection is closing.
    private func answerBufferedRequests() -> Bool {
        while !isClosed && !closeAfterFlush && writeSuspended && !awaitingHandler {
            if !machine.isQuiescing && context.isShuttingDown.load(ordering: .relaxed) {
                apply(machine.shutdownRequested())
                continue
            }
            guard let event = parser.next() else {
                requestsBuffered = false
                return true
            }
            switch event {
            case .head(let head):
                if requestStart == nil { requestStart = .now }
                requestMethod = head.method.rawValue
                requestPath = String(head.path)
                if head.expectsContinue {
                    output.append { $0.append(contentsOf: ResponseEncoder.continueResponse) }
                }
            case .request(let request, let keepAlive):
                let now = ContinuousClock.now
                let keep = machine.requestParsed(keepAlive: keepAlive, moreBuffered: !parser.isIdle, now: now)
                let reply = context.responder(request)
                requestRoute = reply.route
                switch reply.outcome {
                case .response(let response):
                    answered(request, response, keep: keep, now: now)
                case .offload(let work):
                    offload(request, work, keep: keep, now: now)
                    return false
                }
            case .error(let error):
                context.logger.debug(
                    "protocol error", metadata: ["status": "\(error.status.code)", "detail": "\(error.detail)"])
                notePartialRequestPath()
                let action = machine.protocolErrorOccurred(now: .now)
                write(
                    transportError(error.status, error.detail), headOnly: false, close: true, announceKeepAlive: false)
                apply(action)
                apply(.close)
            }
        }
        return false
    }

    /// Queues the handler's response to `request` and moves the state machine on.
    private func answered(_ request: Request, _ response: Response, keep: Bool, now: ContinuousClock.Instant) {
        write(
            response, headOnly: request.method == .head, close: !keep,
            announceKeepAlive: keep && request.version == .http1_0)
        requestStart = parser.isIdle ? nil : ContinuousClock.now
        if keep {
            apply(machine.responseWritten(moreBuffered: !parser.isIdle, now: now))
        } else {
            apply(.close)
        }
        if output.count >= Connection.flushThreshold { flush() }
    }

    /// The path of a request whose head has not finished but whose request line has parsed, for the
    /// answer to an error (a 400 in a field, a 408 mid-head) and its access-log line.
    private func notePartialRequestPath() {
        if requestPath == "-", let target = parser.currentTarget { requestPath = String(targetPath(target)) }
    }

    /// The application's rendering of an error the server answers itself.
    private func transportError(_ status: HTTPResponse.Status, _ detail: String) -> Response {
        context.configuration.errorResponse(
            TransportError(status: status, detail: detail, path: requestPath == "-" ? nil : requestPath))
    }

    /// Runs `work` on Dispatch's pool, reading nothing meanwhile (the next pipelined request
    /// waits in the buffer), then answers on the loop and carries on with the buffer.
    private func offload(
        _ request: Request, _ work: @escaping @Sendable () -> Response, keep: Bool, now: ContinuousClock.Instant
    ) {
        awaitingHandler = true
        suspendReading()
        flush()
        Connection.pool.async { [self] in
            let response = work()
            loop.execute { [self] in
                awaitingHandler = false
                guard !isClosed else { return }
                answered(request, response, keep: keep, now: now)
                process()
                if !isClosed && !closeAfterFlush && writeSuspended && readSuspended && !machine.isInputClosed
                    && !requestsBuffered
                {
                    readSuspended = false
                    updateInterest()
                }
            }
        }
    }

    /// Queues a response and reports it.
    private func write(_ response: Response, headOnly: Bool, close: Bool, announceKeepAlive: Bool) {
        let date = context.dateCache.current()
        output.append {
            ResponseEncoder.encodeHead(
                response, close: close, announceKeepAlive: announceKeepAlive, date: date, into: &$0)
        }
        if !headOnly && response.status.mayHaveBody { output.append(body: response.body) }
        wroteResponse = true
        let start = requestStart ?? .now
        context.onResponse(
            ResponseRecord(
                method: requestMethod, path: requestPath, route: requestRoute, status: response.status.code,
                bodyBytes: headOnly || !response.status.mayHaveBody ? 0 : response.body.count,
                duration: ContinuousClock.now - start), BatchOutput(loop: loop))
        requestMethod = "-"
        requestPath = "-"
        requestRoute = nil
    }

    private func apply(_ action: ConnectionStateMachine<ContinuousClock>.Action) {
        switch action {
        case .none:
            break
        case .scheduleTimeout(let deadline):
            arm(deadline)
        case .sendRequestTimeoutAndClose:
            context.logger.debug("request timeout")
            notePartialRequestPath()
            write(
                transportError(.requestTimeout, "the request did not arrive in time"), headOnly: false, close: true,
                announceKeepAlive: false)
            closeAfterFlush = true
            flush()
        case .close:
            closeAfterFlush = true
            flush()
        case .abort:
            context.logger.debug("peer stopped reading")
            closeNow()
        }
    }

    // MARK: Writing

    private func flush() {
        guard !isClosed else { return }
        switch output.send(to: fd) {
        case .done:
            break
        case .wouldBlock(let progressed):
            if writeSuspended {
                apply(machine.writeBlocked(now: .now))
            } else if progressed {
                machine.writeProgressed(now: .now)
            }
            waitForWritable()
            return
        case .failed(let error):
            context.logger.debug("write failed", metadata: ["errno": "\(error)"])
            closeNow()
            return
        }
        if !writeSuspended {
            writeSuspended = true
            updateInterest()
            apply(machine.writeDrained(now: .now))
        }
        if closeAfterFlush && !lingering && !isClosed {
            finishClose()
        } else if readSuspended && !isClosed && !machine.isInputClosed && !awaitingHandler && !requestsBuffered {
            readSuspended = false
            updateInterest()
        }
    }

    private func waitForWritable() {
        suspendReading()
        if writeSuspended {
            writeSuspended = false
            updateInterest()
        }
    }

    private func writable() {
        guard !isClosed else { return }
        flush()
        // Requests that waited in the buffer while the socket was full get their turn now.
        if writeSuspended && !closeAfterFlush && !awaitingHandler { process() }
    }

    /// While a large body is being received, asks the kernel not to report the socket readable until
    /// the rest of the body is there (`SO_RCVLOWAT`); back to one byte once it is in.
    ///
    /// Why: each burst of a 2.5 MB body's segments woke the loop (about 8 wake-ups per body, two
    /// context switches each, on the CPU the handler computes on); now it wakes once or twice. The
    /// kernel still reports the socket readable at once on end of input or an error, and before the
    /// mark when its receive buffer is under pressure, so a body larger than the buffer cannot stall.
    private func updateReceiveLowWater() {
        guard !isClosed else { return }
        var wanted: Int32 = 1
        if !lingering && !closeAfterFlush, let missing = parser.largeBodyBytesMissing {
            wanted = Int32(clamping: missing)
        }
        guard wanted != receiveLowWater else { return }
        if setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &wanted, socklen_t(MemoryLayout<Int32>.size)) == 0 {
            receiveLowWater = wanted
        }
    }

    private func suspendReading() {
        if !readSuspended {
            readSuspended = true
            updateInterest()
        }
    }

    // MARK: Timer and closing

    private func arm(_ deadline: ContinuousClock.Instant) {
        if let armed = armedDeadline, armed <= deadline { return }
        armedDeadline = deadline
        let delay = ContinuousClock.now.duration(to: deadline)
        timer.schedule(deadline: .now() + .nanoseconds(max(0, Int(delay.nanoseconds))))
    }

    private func timerFired() {
        guard !isClosed else { return }
        armedDeadline = nil
        if lingering {
            closeNow()
            return
        }
        // A handler's time is not the client's: the answer re-arms the timer when it is queued.
        if awaitingHandler { return }
        apply(machine.timeoutFired(now: .now))
    }

    /// Our last response is written: stop sending, and keep reading for a short while so that
    /// request bytes still in flight do not turn our close into a reset that destroys the
    /// response before the client reads it.
    private func finishClose() {
        // Only unread request bytes (an error or a timeout mid-request) can turn the close into a
        // reset; a connection whose parser is idle (idle timeout, shutdown, `Connection: close`)
        // closes at once, which also keeps graceful shutdown quick.
        guard wroteResponse && !parser.isIdle else {
            closeNow()
            return
        }
        lingering = true
        shutdownWriting(fd)
        if readSuspended && !machine.isInputClosed {
            readSuspended = false
            updateInterest()
        } else if machine.isInputClosed {
            closeNow()
            return
        }
        armedDeadline = nil
        arm(ContinuousClock.now.advanced(by: context.lingerTimeout))
    }

    private func closeNow() {
        guard !isClosed else { return }
        isClosed = true
        machine.closed()
        timer.cancel()
        // Out of the poller before the descriptor is closed, so no event can ever reach a number the
        // kernel has already reused for a new connection.
        readSuspended = true
        writeSuspended = true
        updateInterest()
        // Closed only once the code that called this has returned: until then the number is ours,
        // so a stray write cannot reach a connection the kernel has since given the same number.
        loop.execute { [self] in
            close(fd)
            onClosed(self)
        }
    }

    /// Tells the loop what this connection waits for: reading unless suspended (or closed),
    /// writing while output is blocked.
    private func updateInterest() {
        let wanted = (read: !readSuspended && !isClosed, write: !writeSuspended && !isClosed)
        guard wanted != watched else { return }
        let accepted = loop.setInterest(fd, handler: self, from: watched, to: wanted)
        watched = wanted
        if !accepted && !isClosed {
            context.logger.debug("poller refused the socket", metadata: ["errno": "\(errno)"])
            closeNow()
        }
    }

}
