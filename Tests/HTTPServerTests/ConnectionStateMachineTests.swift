import HTTPServer
import Testing

/// The state machine is pure, so every state × event pair is checked with made-up instants of
/// the continuous clock: no sockets, no sleeping, no real time passing.
struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine<ContinuousClock>
    let t0 = ContinuousClock.now
    let requestTimeout = Duration.seconds(10)
    let idleTimeout = Duration.seconds(60)

    func at(_ seconds: Double) -> ContinuousClock.Instant { t0 + .milliseconds(Int(seconds * 1000)) }

    func idle() -> Machine { Machine(requestTimeout: requestTimeout, idleTimeout: idleTimeout, now: t0) }

    func reading() -> Machine {
        var machine = idle()
        _ = machine.bytesReceived(now: at(1))
        return machine
    }

    func processing(keepAlive: Bool = true, moreBuffered: Bool = false) -> Machine {
        var machine = reading()
        _ = machine.requestParsed(keepAlive: keepAlive, moreBuffered: moreBuffered, now: at(2))
        return machine
    }

    // MARK: idle

    @Test func newConnectionStartsIdleWithTheIdleDeadline() {
        let machine = idle()
        #expect(machine.state == .idle(deadline: at(60)))
        #expect(machine.deadline == at(60))
    }

    @Test func idleFirstByteStartsTheRequestClock() {
        var machine = idle()
        let r1 = machine.bytesReceived(now: at(5))
        #expect(r1 == .scheduleTimeout(deadline: at(15)))
        #expect(machine.state == .readingRequest(deadline: at(15)))
    }

    @Test func idleTimeoutClosesSilently() {
        var machine = idle()
        let r2 = machine.timeoutFired(now: at(60))
        #expect(r2 == .close)
        #expect(machine.state == .closed)
    }

    @Test func idleEarlyTimerIsRearmed() {
        var machine = idle()
        let r3 = machine.timeoutFired(now: at(30))
        #expect(r3 == .scheduleTimeout(deadline: at(60)))
        #expect(machine.state == .idle(deadline: at(60)))
    }

    @Test func idleShutdownClosesAtOnce() {
        var machine = idle()
        let r4 = machine.shutdownRequested()
        #expect(r4 == .close)
        #expect(machine.state == .closed)
        #expect(machine.isQuiescing)
    }

    @Test func idlePeerCloseCloses() {
        var machine = idle()
        let r5 = machine.inputClosed()
        #expect(r5 == .close)
        #expect(machine.state == .closed)
    }

    @Test func idleResponseWrittenIsIgnored() {
        var machine = idle()
        let r6 = machine.responseWritten(moreBuffered: false, now: at(1))
        #expect(r6 == .none)
        #expect(machine.state == .idle(deadline: at(60)))
    }

    // MARK: readingRequest

    @Test func readingMoreBytesDoNotExtendTheRequestDeadline() {
        var machine = reading()
        let r7 = machine.bytesReceived(now: at(9))
        #expect(r7 == .none)
        #expect(machine.state == .readingRequest(deadline: at(11)))
    }

    @Test func readingTimeoutSends408AndCloses() {
        var machine = reading()
        let r8 = machine.timeoutFired(now: at(11))
        #expect(r8 == .sendRequestTimeoutAndClose)
        #expect(machine.state == .closingAfterResponse(deadline: at(21)))
    }

    @Test func readingEarlyTimerIsRearmed() {
        var machine = reading()
        let r9 = machine.timeoutFired(now: at(5))
        #expect(r9 == .scheduleTimeout(deadline: at(11)))
    }

    @Test func readingCompleteKeepAliveRequestIsProcessed() {
        var machine = reading()
        let r10 = machine.requestParsed(keepAlive: true, moreBuffered: false, now: at(2))
        #expect(r10)
        #expect(machine.state == .processing(deadline: at(12)))
    }

    @Test func readingRequestWithoutKeepAliveClosesAfterItsResponse() {
        var machine = reading()
        let r11 = machine.requestParsed(keepAlive: false, moreBuffered: false, now: at(2))
        #expect(!r11)
        #expect(machine.state == .closingAfterResponse(deadline: at(12)))
        let r12 = machine.responseWritten(moreBuffered: false, now: at(3))
        #expect(r12 == .close)
    }

    @Test func readingShutdownLetsTheRequestFinishThenCloses() {
        var machine = reading()
        let r13 = machine.shutdownRequested()
        #expect(r13 == .none)
        #expect(machine.state == .readingRequest(deadline: at(11)))
        let r14 = machine.requestParsed(keepAlive: true, moreBuffered: false, now: at(2))
        #expect(!r14)
        #expect(machine.state == .closingAfterResponse(deadline: at(12)))
    }

    @Test func readingPeerCloseAbandonsThePartialRequest() {
        var machine = reading()
        let r15 = machine.inputClosed()
        #expect(r15 == .close)
        #expect(machine.state == .closed)
    }

    @Test func readingProtocolErrorAnswersThenCloses() {
        var machine = reading()
        let r16 = machine.protocolErrorOccurred(now: at(2))
        #expect(r16 == .scheduleTimeout(deadline: at(12)))
        #expect(machine.state == .closingAfterResponse(deadline: at(12)))
    }

    // MARK: processing

    @Test func processingResponseWrittenGoesIdle() {
        var machine = processing()
        let r17 = machine.responseWritten(moreBuffered: false, now: at(3))
        #expect(r17 == .scheduleTimeout(deadline: at(63)))
        #expect(machine.state == .idle(deadline: at(63)))
    }

    @Test func processingResponseWrittenWithPipelinedBytesReadsTheNextRequest() {
        var machine = processing(moreBuffered: true)
        let r18 = machine.responseWritten(moreBuffered: true, now: at(3))
        #expect(r18 == .scheduleTimeout(deadline: at(13)))
        #expect(machine.state == .readingRequest(deadline: at(13)))
    }

    @Test func processingBytesReceivedWaitInTheBuffer() {
        var machine = processing()
        let r19 = machine.bytesReceived(now: at(3))
        #expect(r19 == .none)
        #expect(machine.state == .processing(deadline: at(12)))
    }

    @Test func processingResponseThatNeverDrainsClosesAtTheDeadline() {
        var machine = processing()
        let r20 = machine.timeoutFired(now: at(12))
        #expect(r20 == .close)
        #expect(machine.state == .closed)
    }

    @Test func processingShutdownClosesAfterTheResponse() {
        var machine = processing()
        let r21 = machine.shutdownRequested()
        #expect(r21 == .none)
        let r22 = machine.responseWritten(moreBuffered: false, now: at(3))
        #expect(r22 == .close)
        #expect(machine.state == .closingAfterResponse(deadline: at(13)))
    }

    @Test func quiescingStillAnswersPipelinedRequestsTheLastWithClose() {
        var machine = processing(moreBuffered: true)
        _ = machine.shutdownRequested()
        let r23 = machine.responseWritten(moreBuffered: true, now: at(3))
        #expect(r23 == .scheduleTimeout(deadline: at(13)))
        let r24 = machine.requestParsed(keepAlive: true, moreBuffered: true, now: at(3))
        #expect(r24)
        _ = machine.responseWritten(moreBuffered: true, now: at(3))
        let r25 = machine.requestParsed(keepAlive: true, moreBuffered: false, now: at(4))
        #expect(!r25)
    }

    @Test func processingPeerCloseAnswersThenCloses() {
        var machine = processing()
        let r26 = machine.inputClosed()
        #expect(r26 == .none)
        let r27 = machine.responseWritten(moreBuffered: false, now: at(3))
        #expect(r27 == .close)
    }

    @Test func processingProtocolErrorInAPipelinedRequestCloses() {
        var machine = processing()
        let r28 = machine.protocolErrorOccurred(now: at(3))
        #expect(r28 == .scheduleTimeout(deadline: at(13)))
        #expect(machine.state == .closingAfterResponse(deadline: at(13)))
    }

    // MARK: closingAfterResponse

    @Test func closingIgnoresBytesAndRequests() {
        var machine = processing(keepAlive: false)
        let r29 = machine.bytesReceived(now: at(3))
        #expect(r29 == .none)
        let r30 = machine.requestParsed(keepAlive: true, moreBuffered: false, now: at(3))
        #expect(!r30)
        let r31 = machine.protocolErrorOccurred(now: at(3))
        #expect(r31 == .none)
        let r32 = machine.shutdownRequested()
        #expect(r32 == .none)
        let r33 = machine.inputClosed()
        #expect(r33 == .none)
        #expect(machine.state == .closingAfterResponse(deadline: at(12)))
    }

    @Test func closingThatNeverDrainsClosesAtTheDeadline() {
        var machine = processing(keepAlive: false)
        let r34 = machine.timeoutFired(now: at(11))
        #expect(r34 == .scheduleTimeout(deadline: at(12)))
        let r35 = machine.timeoutFired(now: at(12))
        #expect(r35 == .close)
        #expect(machine.state == .closed)
    }

    // MARK: closed

    @Test func closedIgnoresEverything() {
        var machine = idle()
        machine.closed()
        let r36 = machine.bytesReceived(now: at(1))
        #expect(r36 == .none)
        let r37 = machine.requestParsed(keepAlive: true, moreBuffered: false, now: at(1))
        #expect(!r37)
        let r38 = machine.responseWritten(moreBuffered: false, now: at(1))
        #expect(r38 == .none)
        let r39 = machine.timeoutFired(now: at(100))
        #expect(r39 == .none)
        let r40 = machine.shutdownRequested()
        #expect(r40 == .none)
        let r41 = machine.inputClosed()
        #expect(r41 == .none)
        let r42 = machine.protocolErrorOccurred(now: at(1))
        #expect(r42 == .none)
        #expect(machine.deadline == nil)
        #expect(machine.state == .closed)
    }

    // MARK: output waiting for the socket (any state)

    @Test func blockedWriteIsTheOnlyDeadline() {
        var machine = processing(moreBuffered: true)
        let queued = machine.responseWritten(moreBuffered: true, now: at(3))
        #expect(queued == .scheduleTimeout(deadline: at(13)))
        let blocked = machine.writeBlocked(now: at(4))
        #expect(blocked == .scheduleTimeout(deadline: at(14)))
        #expect(machine.deadline == at(14))
        // The pipelined request's own deadline (13) passes without a 408: the server kept it waiting.
        let early = machine.timeoutFired(now: at(13))
        #expect(early == .scheduleTimeout(deadline: at(14)))
        #expect(machine.state == .readingRequest(deadline: at(13)))
    }

    @Test func writeProgressRestartsTheWriteClock() {
        var machine = processing(keepAlive: false)
        _ = machine.writeBlocked(now: at(3))
        machine.writeProgressed(now: at(12))
        let fired = machine.timeoutFired(now: at(13))
        #expect(fired == .scheduleTimeout(deadline: at(22)))
    }

    @Test func peerThatReadsNothingIsAborted() {
        var machine = processing(keepAlive: false)
        _ = machine.writeBlocked(now: at(3))
        let fired = machine.timeoutFired(now: at(13))
        #expect(fired == .abort)
        #expect(machine.state == .closed)
    }

    @Test func drainedWriteRestartsThePipelinedRequestClock() {
        var machine = processing(moreBuffered: true)
        _ = machine.responseWritten(moreBuffered: true, now: at(3))
        _ = machine.writeBlocked(now: at(3))
        let drained = machine.writeDrained(now: at(20))
        #expect(drained == .scheduleTimeout(deadline: at(30)))
        #expect(machine.state == .readingRequest(deadline: at(30)))
        #expect(machine.writeDeadline == nil)
    }

    @Test func drainedWriteWhileIdleKeepsTheIdleDeadline() {
        var machine = processing()
        _ = machine.responseWritten(moreBuffered: false, now: at(3))
        _ = machine.writeBlocked(now: at(3))
        let drained = machine.writeDrained(now: at(4))
        #expect(drained == .scheduleTimeout(deadline: at(63)))
        #expect(machine.state == .idle(deadline: at(63)))
    }

    @Test func writeEventsAfterCloseAreIgnored() {
        var machine = idle()
        machine.closed()
        let blocked = machine.writeBlocked(now: at(1))
        #expect(blocked == .none)
        let drained = machine.writeDrained(now: at(1))
        #expect(drained == .none)
    }
}
