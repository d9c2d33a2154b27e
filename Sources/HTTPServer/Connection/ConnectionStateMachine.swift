/// The life of one connection as a pure value: events in, actions out, no sockets and no clock
/// reads (each event carries `now`), so every state × event pair is tested with made-up instants.
///
/// It exists to keep three promises that are easy to break in socket code:
/// - a request must arrive whole within `requestTimeout` of its first byte (slow-loris → 408),
/// - a keep-alive connection with nothing pending closes after `idleTimeout`,
/// - on shutdown an idle connection closes at once, while one mid-request is answered first
///   (the requests already buffered included) and the last answer says `Connection: close`.
/// Responses are produced one request at a time, in order, and the connection does not read while
/// it is answering beyond what is buffered, so a client cannot flood the server by pipelining.
package struct ConnectionStateMachine<C: Clock> {
    package enum State: Equatable {
        /// A keep-alive connection with no byte of a next request; closes silently at `deadline`.
        case idle(deadline: C.Instant)
        /// Some bytes of a request arrived; the rest must arrive before `deadline` (else 408).
        case readingRequest(deadline: C.Instant)
        /// A complete request is being answered; its response must drain before `deadline`, so a
        /// client that pipelines and never reads cannot hold the connection for ever.
        case processing(deadline: C.Instant)
        /// The final response (or a protocol error) is queued; close once it is written.
        case closingAfterResponse(deadline: C.Instant)
        case closed
    }

    package enum Action: Equatable {
        case none
        /// Arm (or re-arm, if earlier) the connection's timer for `deadline`.
        case scheduleTimeout(deadline: C.Instant)
        /// Answer 408 with `Connection: close`, then close (no response has started).
        case sendRequestTimeoutAndClose
        /// Close once what is queued is written (nothing, for an idle connection).
        case close
        /// Close now, dropping what is queued: the peer stopped reading it.
        case abort
    }

    package private(set) var state: State
    /// Shutdown began: answer what was received, then close; never go back to idle.
    package private(set) var isQuiescing = false
    /// The peer closed its side: answer the complete requests, then close.
    package private(set) var isInputClosed = false
    /// Set while output waits for the socket to take it: the peer must read some of it before
    /// this instant. While it is set it is the only deadline, because pipelined requests waiting
    /// behind a slow reader are not late, and a long answer to a slow reader is not stuck.
    package private(set) var writeDeadline: C.Instant?
    let requestTimeout: C.Duration
    let idleTimeout: C.Duration

    package init(requestTimeout: C.Duration, idleTimeout: C.Duration, now: C.Instant) {
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
        self.state = .idle(deadline: now.advanced(by: idleTimeout))
    }

    /// The deadline the timer should be armed for, if any.
    package var deadline: C.Instant? {
        if let writeDeadline, state != .closed { return writeDeadline }
        switch state {
        case .idle(let d), .readingRequest(let d), .processing(let d), .closingAfterResponse(let d): return d
        case .closed: return nil
        }
    }

    /// Bytes arrived from the peer. The first byte of a request starts its timeout.
    package mutating func bytesReceived(now: C.Instant) -> Action {
        switch state {
        case .idle:
            let deadline = now.advanced(by: requestTimeout)
            state = .readingRequest(deadline: deadline)
            return .scheduleTimeout(deadline: deadline)
        case .readingRequest, .processing, .closingAfterResponse, .closed:
            // Pipelined bytes wait in the parser's buffer; their clock starts when their turn comes.
            return .none
        }
    }

    /// A whole request was parsed and is about to be answered. `moreBuffered` says whether bytes
    /// of a further request are already buffered. Returns whether its response keeps the
    /// connection open: the client asked for it and, when quiescing or after the peer's EOF,
    /// another received request still needs this connection.
    package mutating func requestParsed(keepAlive: Bool, moreBuffered: Bool, now: C.Instant) -> Bool {
        switch state {
        case .idle, .readingRequest, .processing:
            let keep = keepAlive && (!(isQuiescing || isInputClosed) || moreBuffered)
            let deadline = now.advanced(by: requestTimeout)
            state = keep ? .processing(deadline: deadline) : .closingAfterResponse(deadline: deadline)
            return keep
        case .closingAfterResponse, .closed:
            return false
        }
    }

    /// The request could not be parsed (or broke a limit): one error response, then close.
    package mutating func protocolErrorOccurred(now: C.Instant) -> Action {
        switch state {
        case .closed:
            return .none
        case .closingAfterResponse:
            return .none
        case .idle, .readingRequest, .processing:
            let deadline = now.advanced(by: requestTimeout)
            state = .closingAfterResponse(deadline: deadline)
            return .scheduleTimeout(deadline: deadline)
        }
    }

    /// A keep-alive response was queued. The connection waits for the next request: its clock
    /// starts now if bytes of it are buffered, else the idle clock does.
    package mutating func responseWritten(moreBuffered: Bool, now: C.Instant) -> Action {
        switch state {
        case .processing:
            if moreBuffered {
                let deadline = now.advanced(by: requestTimeout)
                state = .readingRequest(deadline: deadline)
                return .scheduleTimeout(deadline: deadline)
            }
            if isQuiescing || isInputClosed {
                state = .closingAfterResponse(deadline: now.advanced(by: requestTimeout))
                return .close
            }
            let deadline = now.advanced(by: idleTimeout)
            state = .idle(deadline: deadline)
            return .scheduleTimeout(deadline: deadline)
        case .closingAfterResponse:
            return .close
        case .idle, .readingRequest, .closed:
            return .none
        }
    }

    /// The connection's timer fired. It may fire early (it is armed for the earliest deadline
    /// seen, and deadlines move later), in which case it is re-armed.
    package mutating func timeoutFired(now: C.Instant) -> Action {
        guard let deadline, now >= deadline else {
            return deadline.map { .scheduleTimeout(deadline: $0) } ?? .none
        }
        if writeDeadline != nil {
            // The peer read nothing for a whole request timeout: nothing more can reach it.
            state = .closed
            return .abort
        }
        switch state {
        case .idle, .processing, .closingAfterResponse:
            state = .closed
            return .close
        case .readingRequest:
            state = .closingAfterResponse(deadline: now.advanced(by: requestTimeout))
            return .sendRequestTimeoutAndClose
        case .closed:
            return .none
        }
    }

    /// The socket would not take all of the output: the peer has `requestTimeout` to read some.
    package mutating func writeBlocked(now: C.Instant) -> Action {
        guard state != .closed else { return .none }
        let deadline = now.advanced(by: requestTimeout)
        writeDeadline = deadline
        return .scheduleTimeout(deadline: deadline)
    }

    /// Some output went while the socket is still full: the peer is reading, slowly; its clock restarts.
    package mutating func writeProgressed(now: C.Instant) {
        if writeDeadline != nil { writeDeadline = now.advanced(by: requestTimeout) }
    }

    /// All output went. A request whose bytes waited in the buffer behind the blocked output gets
    /// a fresh request timeout, since it was the server, not the client, that kept it waiting.
    package mutating func writeDrained(now: C.Instant) -> Action {
        guard writeDeadline != nil else { return .none }
        writeDeadline = nil
        if case .readingRequest = state {
            let deadline = now.advanced(by: requestTimeout)
            state = .readingRequest(deadline: deadline)
            return .scheduleTimeout(deadline: deadline)
        }
        return deadline.map { .scheduleTimeout(deadline: $0) } ?? .none
    }

    /// Graceful shutdown reached this connection: idle closes now; otherwise the requests it
    /// has received are answered, the last with `Connection: close`.
    package mutating func shutdownRequested() -> Action {
        isQuiescing = true
        switch state {
        case .idle:
            state = .closed
            return .close
        case .readingRequest, .processing, .closingAfterResponse, .closed:
            return .none
        }
    }

    /// The peer closed its sending side (read returned 0). A partial request can never finish,
    /// so it closes; requests already complete are still answered.
    package mutating func inputClosed() -> Action {
        isInputClosed = true
        switch state {
        case .idle, .readingRequest:
            state = .closed
            return .close
        case .processing, .closingAfterResponse, .closed:
            return .none
        }
    }

    /// The socket is gone (error, reset, or closed by us).
    package mutating func closed() {
        state = .closed
    }
}
