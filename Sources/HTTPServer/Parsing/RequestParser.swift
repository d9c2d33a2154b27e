import HTTPTypes

/// An incremental HTTP/1.1 request parser (RFC 9112): bytes in, ``ParseEvent``s out, no I/O.
///
/// Feed it any split of the stream with `append`, then call ``next()`` until it returns nil.
/// Pipelined requests come out one at a time, each `.head` before its `.request`; bytes after a
/// complete request stay buffered for the next one. The first `.error` is terminal.
///
/// It is strict where leniency lets two parsers disagree about where a request ends (request
/// smuggling): bare LF and bare CR, obs-fold, whitespace before a colon, Content-Length with
/// Transfer-Encoding, and duplicate lengths are all refused. See ``ParseError`` for each rule.
///
/// Choices where RFC 9112 leaves room, each the safer reading:
/// - a bare LF ends no line (400), though §2.2 lets a recipient accept it; a bare CR is 400;
/// - `Content-Length: 5, 5` and two identical Content-Length fields are 400, not merged;
/// - only HTTP/1.0 and 1.1 are served: `HTTP/1.2` and the HTTP/2 preface (`PRI * HTTP/2.0`) are
///   505, a malformed version is 400;
/// - targets are origin-form, absolute-form (kept as sent) or `*` with OPTIONS; authority-form
///   (CONNECT) and raw non-ASCII bytes are 400;
/// - `Expect` values other than 100-continue are ignored, never 417;
/// - up to ``ParserLimits/maxLeadingEmptyLines`` empty lines before a request line are skipped.
///
/// Performance: the bytes live in one contiguous array that is compacted only when the consumed
/// prefix is large (or empty after a request), lines are found by a tight scan for LF, each line
/// is validated in the same pass that splits it, and the head is scanned once in total however
/// the bytes were split. Header names and values become Strings once each.
package struct RequestParser: Sendable {
    package let limits: ParserLimits

    /// Received bytes; `buffer[readIndex...]` is not consumed yet.
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var phase: Phase = .head
    /// The header block being read (phase `.head`), or the one whose body is being read.
    private var head = HeadAccumulator()
    /// The head handed out with `.head`, kept until the body is complete.
    private var pendingHead: RequestHead?
    /// The target of the request being parsed, once its request line has parsed: an error's
    /// answer may depend on the path (the application's error format for `/v2` differs).
    package private(set) var currentTarget: String?
    /// The decoded body so far.
    private var body: [UInt8] = []
    /// Bytes of trailer section consumed so far (bounded by `maxHeaderSize`).
    private var trailerBytes = 0

    private enum Phase: Equatable {
        /// Reading the request line and header fields.
        case head
        /// The head was handed out; `remaining` bytes of a Content-Length body to go.
        case fixedBody(remaining: Int)
        /// A large Content-Length body being received in place (`receiveBody`): `body` already has the
        /// declared length, of which the first `filled` bytes have arrived.
        case receivingBody(filled: Int)
        /// Before a chunk-size line.
        case chunkSize
        /// Inside a chunk's data.
        case chunkData(remaining: Int)
        /// After a chunk's data, expecting CRLF.
        case chunkDataEnd
        /// After the last chunk, skipping trailer fields up to the empty line.
        case trailers
        /// The head was handed out and the body is complete: the next event is `.request`.
        case complete
        /// An error was handed out; nothing more comes.
        case failed
    }

    package init(limits: ParserLimits = ParserLimits()) {
        self.limits = limits
    }

    /// No byte of a next request is buffered: the connection is between requests (idle timeout),
    /// not inside one (request timeout).
    package var isIdle: Bool { phase == .head && readIndex == buffer.count }

    /// Bytes received and not yet consumed by an event.
    package var bufferedByteCount: Int { buffer.count - readIndex }

    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard phase != .failed, !bytes.isEmpty else { return }
        compact()
        var bytes = bytes
        if case .fixedBody(let remaining) = phase, readIndex == buffer.count, body.isEmpty,
            remaining >= Self.inPlaceBodyMinimum
        {
            startReceivingInPlace(length: remaining)
        }
        if case .receivingBody(let filled) = phase {
            let n = min(bytes.count, body.count - filled)
            body.withUnsafeMutableBytes { body in
                UnsafeMutableRawBufferPointer(rebasing: body[filled..<filled + n]).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: bytes[..<n]))
            }
            phase = filled + n == body.count ? .complete : .receivingBody(filled: filled + n)
            bytes = UnsafeRawBufferPointer(rebasing: bytes[n...])
            if bytes.isEmpty { return }
        }
        if case .fixedBody(let remaining) = phase, readIndex == buffer.count {
            // A Content-Length body arriving with nothing else buffered goes straight into the body,
            // not through `buffer` first: one copy of a 2.5 MB body instead of two.
            let n = min(bytes.count, remaining)
            if body.isEmpty { body.reserveCapacity(remaining) }  // see `next()`, `.fixedBody`
            body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[..<n]))
            phase = n == remaining ? .complete : .fixedBody(remaining: remaining - n)
            bytes = UnsafeRawBufferPointer(rebasing: bytes[n...])
            if bytes.isEmpty { return }
        }
        bytes.withMemoryRebound(to: UInt8.self) { buffer.append(contentsOf: $0) }
    }

    /// Bodies at least this long are received in place by `receiveBody`.
    static let inPlaceBodyMinimum = 64 * 1024

    /// How many bytes of a large body (one `receiveBody` takes in place) are still to come, with nothing
    /// else buffered; nil between requests, in a head, in a small or chunked body, or with bytes of a
    /// next request waiting.
    package var largeBodyBytesMissing: Int? {
        guard readIndex == buffer.count else { return nil }
        switch phase {
        case .receivingBody(let filled): return body.count - filled
        case .fixedBody(let remaining) where body.isEmpty && remaining >= Self.inPlaceBodyMinimum: return remaining
        default: return nil
        }
    }

    /// Receives the current Content-Length body's next bytes straight into the body, when the parser is
    /// inside one of at least `inPlaceBodyMinimum` bytes with nothing else buffered: `receive` is given the
    /// body's missing bytes and returns how many it wrote, or what `recv` returns for none. Returns that
    /// and how many bytes were asked for, or nil when the bytes must come through `append` instead.
    ///
    /// Why: a 2.5 MB body read through the connection's buffer and then copied into the body cost a copy
    /// of every byte (2 % of a large request's time).
    package mutating func receiveBody(
        _ receive: (UnsafeMutableRawBufferPointer) -> Int
    ) -> (received: Int, requested: Int)? {
        if case .fixedBody(let remaining) = phase, body.isEmpty, readIndex == buffer.count,
            remaining >= Self.inPlaceBodyMinimum
        {
            startReceivingInPlace(length: remaining)
        }
        guard case .receivingBody(let filled) = phase, readIndex == buffer.count else { return nil }
        let requested = body.count - filled
        let n = body.withUnsafeMutableBytes { receive(UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
        if n > 0 {
            phase = filled + n == body.count ? .complete : .receivingBody(filled: filled + n)
        }
        return (n, requested)
    }

    /// Gives the body its declared length at once (within the body limit) and moves to
    /// `.receivingBody`. Bytes a UInt8 array has not been given yet are never read: the request is
    /// handed out only once all of them have arrived, and a connection that ends sooner drops the
    /// array unread. Capacity is address space, so a client that declares much and sends little costs
    /// no memory for the rest.
    private mutating func startReceivingInPlace(length: Int) {
        body = [UInt8](unsafeUninitializedCapacity: length) { _, count in count = length }
        phase = .receivingBody(filled: 0)
    }

    package mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    package mutating func append(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Drops the consumed prefix when that is cheap (nothing left) or worth it (a large prefix).
    /// Offsets held during the head phase are relative to `readIndex`, so they survive this.
    private mutating func compact() {
        if readIndex == buffer.count {
            // Keep the capacity small requests reuse; give back what a large body grew it to.
            if buffer.capacity > 256 * 1024 {
                buffer = []
            } else {
                buffer.removeAll(keepingCapacity: true)
            }
            readIndex = 0
        } else if readIndex >= 4096 || readIndex * 2 >= buffer.count {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }

    /// The next event, or nil when more bytes are needed (or after an error).
    package mutating func next() -> ParseEvent? {
        do throws(ParseError) {
            while true {
                switch phase {
                case .head:
                    guard let head = try parseHead() else { return nil }
                    return .head(head)
                case .fixedBody(let remaining):
                    let available = buffer.count - readIndex
                    if body.isEmpty && available >= remaining {
                        // The common case: the whole body is here, so copy it once.
                        body = Array(buffer[readIndex..<readIndex + remaining])
                        readIndex += remaining
                        phase = .complete
                    } else if body.isEmpty, remaining >= Self.inPlaceBodyMinimum {
                        // The start of a large body: the rest is received in place (`receiveBody`).
                        startReceivingInPlace(length: remaining)
                        let n = available
                        body.withUnsafeMutableBytes { body in
                            buffer.withUnsafeBytes { buffer in
                                UnsafeMutableRawBufferPointer(rebasing: body[..<n]).copyMemory(
                                    from: UnsafeRawBufferPointer(rebasing: buffer[readIndex..<readIndex + n]))
                            }
                        }
                        readIndex += n
                        phase = .receivingBody(filled: n)
                        return nil
                    } else {
                        let n = min(available, remaining)
                        guard n > 0 else { return nil }
                        // Room for the declared length at once (it is within the body limit), not
                        // a doubling per read: 2.5 MB in 64 KiB reads grew through seven buffers and
                        // copied twice its size. Capacity is address space; pages become resident
                        // only as bytes arrive, so a client that declares much and sends little
                        // costs no memory for it.
                        if body.isEmpty { body.reserveCapacity(remaining) }
                        body.append(contentsOf: buffer[readIndex..<readIndex + n])
                        readIndex += n
                        phase = n == remaining ? .complete : .fixedBody(remaining: remaining - n)
                        if n < remaining { return nil }
                    }
                case .receivingBody:
                    return nil
                case .chunkSize:
                    guard try parseChunkSize() else { return nil }
                case .chunkData(let remaining):
                    let n = min(buffer.count - readIndex, remaining)
                    guard n > 0 else { return nil }
                    body.append(contentsOf: buffer[readIndex..<readIndex + n])
                    readIndex += n
                    phase = n == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - n)
                case .chunkDataEnd:
                    let available = buffer.count - readIndex
                    guard available > 0 else { return nil }
                    guard buffer[readIndex] == ByteClass.cr else { throw ParseError.missingChunkTerminator }
                    guard available > 1 else { return nil }
                    guard buffer[readIndex + 1] == ByteClass.lf else { throw ParseError.bareCarriageReturn }
                    readIndex += 2
                    phase = .chunkSize
                case .trailers:
                    guard try parseTrailers() else { return nil }
                case .complete:
                    return completeRequest()
                case .failed:
                    return nil
                }
            }
        } catch {
            phase = .failed
            buffer = []
            readIndex = 0
            body = []
            pendingHead = nil
            return .error(error)
        }
    }

    private mutating func completeRequest() -> ParseEvent {
        let head = pendingHead!
        let request = Request(
            method: head.method, target: head.target, version: head.version, headers: head.headers, body: body)
        pendingHead = nil
        currentTarget = nil
        body = []
        phase = .head
        return .request(request, keepAlive: head.keepAlive)
    }

    // MARK: - Head

    /// Scans for the lines of the head from where the last call stopped; nil until the empty line.
    private mutating func parseHead() throws(ParseError) -> RequestHead? {
        let bytes = buffer  // a second reference, so `self` can be mutated while reading
        return try bytes.withUnsafeBufferPointer { (bytes) throws(ParseError) -> RequestHead? in
            var limitEnd = min(bytes.count, readIndex + limits.maxHeaderSize)
            var i = readIndex + head.scanned
            while i < limitEnd {
                guard let lf = Self.firstLineFeed(bytes, from: i, to: limitEnd) else {
                    i = limitEnd
                    break
                }
                let lineStart = readIndex + head.lineStart
                guard lf > lineStart, bytes[lf - 1] == ByteClass.cr else { throw .bareLineFeed }
                let lineEnd = lf - 1
                i = lf + 1
                if lineEnd == lineStart {
                    if head.requestLine == nil {
                        // RFC 9112 §2.2: ignore a few empty lines before the request line.
                        head.emptyLines += 1
                        guard head.emptyLines <= ParserLimits.maxLeadingEmptyLines else { throw .tooManyEmptyLines }
                        readIndex = i
                        head.lineStart = 0
                        limitEnd = min(bytes.count, readIndex + limits.maxHeaderSize)
                        continue
                    }
                    readIndex = i
                    return try finishHead()
                }
                if head.requestLine == nil {
                    head.requestLine = try Self.parseRequestLine(bytes, lineStart..<lineEnd)
                    currentTarget = head.requestLine?.1
                } else {
                    try head.addField(bytes, lineStart..<lineEnd)
                }
                head.lineStart = i - readIndex
            }
            head.scanned = i - readIndex
            if head.scanned >= limits.maxHeaderSize && bytes.count > readIndex {
                throw .headersTooLarge(limit: limits.maxHeaderSize)
            }
            return nil
        }
    }

    /// Applies the whole-head rules (Host, framing, limits) and moves to the body phase.
    private mutating func finishHead() throws(ParseError) -> RequestHead {
        let (method, target, version) = head.requestLine!
        let fields = head
        head = HeadAccumulator()
        if version == .http1_1 && fields.hostCount == 0 { throw .missingHost }
        var framing = BodyFraming.none
        if fields.sawTransferEncoding {
            if version == .http1_0 { throw .transferEncodingInHTTP10 }
            if fields.contentLength != nil { throw .contentLengthWithTransferEncoding }
            if let coding = fields.unknownCoding { throw .unsupportedTransferCoding(coding) }
            guard fields.sawChunked else { throw .chunkedNotFinal }
            framing = .chunked
        } else if let length = fields.contentLength {
            if length > limits.maxBodySize { throw .bodyTooLarge(limit: limits.maxBodySize) }
            framing = .length(length)
        }
        let hasBody: Bool
        switch framing {
        case .none: hasBody = false
        case .length(let n): hasBody = n > 0
        case .chunked: hasBody = true
        }
        let keepAlive =
            version == .http1_1 ? !fields.connectionClose : (fields.connectionKeepAlive && !fields.connectionClose)
        let result = RequestHead(
            method: method, target: target, version: version, headers: fields.headers, body: framing,
            expectsContinue: version == .http1_1 && fields.expectsContinue && hasBody, keepAlive: keepAlive)
        pendingHead = result
        switch framing {
        case .none, .length(0): phase = .complete
        case .length(let n): phase = .fixedBody(remaining: n)
        case .chunked: phase = .chunkSize
        }
        return result
    }

    @inline(__always)
    static func firstLineFeed(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Int? {
        var i = from
        while i < end {
            if bytes[i] == ByteClass.lf { return i }
            i &+= 1
        }
        return nil
    }

    /// The method token at `range` (already checked to be a token): the common ones without building
    /// a string.
    static func method(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(ParseError)
        -> HTTPRequest.Method
    {
        if ByteClass.equals(bytes, range, "POST") { return .post }
        if ByteClass.equals(bytes, range, "GET") { return .get }
        if ByteClass.equals(bytes, range, "HEAD") { return .head }
        if ByteClass.equals(bytes, range, "OPTIONS") { return .options }
        guard
            let method = HTTPRequest.Method(
                String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
        else { throw .invalidMethod }
        return method
    }

    /// `request-line = method SP request-target SP HTTP-version` (RFC 9112 §3), CRLF excluded.
    static func parseRequestLine(
        _ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>
    ) throws(ParseError) -> (HTTPRequest.Method, String, Version) {
        var i = line.lowerBound
        while i < line.upperBound && ByteClass.isToken(bytes[i]) { i += 1 }
        guard i > line.lowerBound, i < line.upperBound, bytes[i] == ByteClass.space else {
            throw Self.lineError(bytes, line, otherwise: .invalidMethod)
        }
        let methodRange = line.lowerBound..<i
        let targetStart = i + 1
        i = targetStart
        while i < line.upperBound && ByteClass.isTargetByte(bytes[i]) { i += 1 }
        guard i < line.upperBound, bytes[i] == ByteClass.space else {
            throw Self.lineError(
                bytes, line, otherwise: i == line.upperBound ? .invalidRequestLine : .invalidRequestTarget)
        }
        guard i > targetStart else { throw .invalidRequestLine }  // two spaces in a row
        let targetRange = targetStart..<i
        let version = try parseVersion(bytes, i + 1..<line.upperBound)

        let method = try Self.method(bytes, methodRange)
        let first = bytes[targetRange.lowerBound]
        if first == UInt8(ascii: "*") {
            guard targetRange.count == 1, method == .options else { throw .invalidRequestTarget }
        } else if first != UInt8(ascii: "/") {
            guard isAbsoluteForm(bytes, targetRange) else { throw .invalidRequestTarget }
        }
        let target = String(decoding: UnsafeBufferPointer(rebasing: bytes[targetRange]), as: UTF8.self)
        return (method, target, version)
    }

    /// `HTTP-version = "HTTP" "/" DIGIT "." DIGIT`; only 1.0 and 1.1 are served.
    static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(ParseError) -> Version {
        let b = range.lowerBound
        guard range.count == 8, bytes[b] == UInt8(ascii: "H"), bytes[b + 1] == UInt8(ascii: "T"),
            bytes[b + 2] == UInt8(ascii: "T"), bytes[b + 3] == UInt8(ascii: "P"), bytes[b + 4] == UInt8(ascii: "/"),
            bytes[b + 6] == UInt8(ascii: "."),
            case let major = bytes[b + 5] &- UInt8(ascii: "0"), major <= 9,
            case let minor = bytes[b + 7] &- UInt8(ascii: "0"), minor <= 9
        else {
            throw Self.lineError(bytes, range, otherwise: .invalidVersion)
        }
        guard major == 1, minor <= 1 else { throw .unsupportedVersion(major: Int(major), minor: Int(minor)) }
        return minor == 1 ? .http1_1 : .http1_0
    }

    /// `absolute-form = absolute-URI`, here `scheme "://" ...` since only http(s) targets make sense.
    static func isAbsoluteForm(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
        guard isAlpha(bytes[i]) else { return false }
        i += 1
        while i < range.upperBound {
            let b = bytes[i]
            if isAlpha(b) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "+")
                || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
            {
                i += 1
            } else {
                break
            }
        }
        return range.upperBound - i > 3 && bytes[i] == ByteClass.colon && bytes[i + 1] == UInt8(ascii: "/")
            && bytes[i + 2] == UInt8(ascii: "/")
    }

    /// A CR inside a line is reported as such (it is the classic smuggling byte); anything else as `otherwise`.
    static func lineError(
        _ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, otherwise: ParseError
    ) -> ParseError {
        for i in line where bytes[i] == ByteClass.cr { return .bareCarriageReturn }
        return otherwise
    }

    /// Splits `field-line = field-name ":" OWS field-value OWS` (RFC 9112 §5) and validates both
    /// parts. Returns the name and the value with OWS trimmed.
    static func splitFieldLine(
        _ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>
    ) throws(ParseError) -> (name: Range<Int>, value: Range<Int>) {
        let first = bytes[line.lowerBound]
        if ByteClass.isOWS(first) { throw .obsoleteLineFolding }
        var i = line.lowerBound
        while i < line.upperBound && ByteClass.isToken(bytes[i]) { i += 1 }
        guard i < line.upperBound, i > line.lowerBound, bytes[i] == ByteClass.colon else {
            if i < line.upperBound && i > line.lowerBound && ByteClass.isOWS(bytes[i]) {
                throw .whitespaceBeforeColon
            }
            throw lineError(bytes, line, otherwise: .invalidHeaderName)
        }
        let name = line.lowerBound..<i
        var start = i + 1
        var end = line.upperBound
        while start < end && ByteClass.isOWS(bytes[start]) { start += 1 }
        while end > start && ByteClass.isOWS(bytes[end - 1]) { end -= 1 }
        var j = start
        while j < end {
            guard ByteClass.isFieldValueByte(bytes[j]) else {
                if bytes[j] == ByteClass.cr { throw .bareCarriageReturn }
                throw .invalidHeaderValue(
                    name: String(decoding: UnsafeBufferPointer(rebasing: bytes[name]), as: UTF8.self))
            }
            j += 1
        }
        return (name, start..<end)
    }

    // MARK: - Chunked body

    /// `chunk-size [ chunk-ext ] CRLF` (RFC 9112 §7.1). False when the line is not complete yet.
    private mutating func parseChunkSize() throws(ParseError) -> Bool {
        let bytes = buffer
        return try bytes.withUnsafeBufferPointer { (bytes) throws(ParseError) -> Bool in
            let end = min(bytes.count, readIndex + ParserLimits.maxChunkLineSize)
            guard let lf = Self.firstLineFeed(bytes, from: readIndex, to: end) else {
                if end - readIndex >= ParserLimits.maxChunkLineSize {
                    throw .chunkLineTooLong(limit: ParserLimits.maxChunkLineSize)
                }
                return false
            }
            guard lf > readIndex, bytes[lf - 1] == ByteClass.cr else { throw .bareLineFeed }
            let line = readIndex..<(lf - 1)
            var size = 0
            var i = line.lowerBound
            while i < line.upperBound, let digit = ByteClass.hexValue(bytes[i]) {
                guard size <= (Int.max - digit) >> 4 else { throw .invalidChunkSize }
                size = size << 4 | digit
                i += 1
            }
            guard i > line.lowerBound else { throw Self.lineError(bytes, line, otherwise: .invalidChunkSize) }
            // Chunk extensions are skipped, but only when they follow the grammar: a lenient
            // reading here is where parsers behind one another can disagree about framing.
            if i < line.upperBound && !Self.isChunkExtensionList(bytes, from: i, to: line.upperBound) {
                throw Self.lineError(bytes, line, otherwise: .invalidChunkSize)
            }
            readIndex = lf + 1
            if size == 0 {
                trailerBytes = 0
                phase = .trailers
            } else {
                guard size <= limits.maxBodySize - body.count else { throw .bodyTooLarge(limit: limits.maxBodySize) }
                phase = .chunkData(remaining: size)
            }
            return true
        }
    }

    /// Whether `bytes[start..<end]` is a list of chunk extensions (RFC 9112 §7.1.1):
    /// `*( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )`, where a name is a token and
    /// a value a token or a quoted-string (RFC 9110 §5.6.4, whose quoted-pair may escape any
    /// HTAB, SP, VCHAR or obs-text byte).
    static func isChunkExtensionList(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        var i = start
        func skipBWS() { while i < end && ByteClass.isOWS(bytes[i]) { i += 1 } }
        func token() -> Bool {
            let first = i
            while i < end && ByteClass.isToken(bytes[i]) { i += 1 }
            return i > first
        }
        func quotedString() -> Bool {
            guard i < end, bytes[i] == UInt8(ascii: "\"") else { return false }
            i += 1
            while i < end {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return true
                }
                if b == UInt8(ascii: "\\") {
                    i += 1
                    guard i < end, ByteClass.isFieldValueByte(bytes[i]) else { return false }
                } else if !ByteClass.isFieldValueByte(b) {
                    return false
                }
                i += 1
            }
            return false
        }
        while i < end {
            skipBWS()
            guard i < end, bytes[i] == UInt8(ascii: ";") else { return false }
            i += 1
            skipBWS()
            guard token() else { return false }
            skipBWS()
            if i < end && bytes[i] == UInt8(ascii: "=") {
                i += 1
                skipBWS()
                guard token() || quotedString() else { return false }
            }
        }
        return true
    }

    /// `trailer-section = *( field-line CRLF ) CRLF`: validated like header fields, then dropped.
    /// False when the empty line has not arrived yet.
    private mutating func parseTrailers() throws(ParseError) -> Bool {
        let bytes = buffer
        return try bytes.withUnsafeBufferPointer { (bytes) throws(ParseError) -> Bool in
            while true {
                let end = min(bytes.count, readIndex + (limits.maxHeaderSize - trailerBytes))
                guard let lf = Self.firstLineFeed(bytes, from: readIndex, to: end) else {
                    if trailerBytes + (end - readIndex) >= limits.maxHeaderSize {
                        throw .headersTooLarge(limit: limits.maxHeaderSize)
                    }
                    return false
                }
                guard lf > readIndex, bytes[lf - 1] == ByteClass.cr else { throw .bareLineFeed }
                let line = readIndex..<(lf - 1)
                trailerBytes += lf + 1 - readIndex
                readIndex = lf + 1
                if line.isEmpty {
                    phase = .complete
                    return true
                }
                _ = try Self.splitFieldLine(bytes, line)
            }
        }
    }
}

/// The state of a head being read, kept across `append`s so no line is scanned twice.
private struct HeadAccumulator {
    /// Offsets from `readIndex`: where the current line starts, and how far LF was searched.
    var lineStart = 0
    var scanned = 0
    var emptyLines = 0
    var requestLine: (HTTPRequest.Method, String, Version)?
    var headers = Headers()

    init() { headers.reserveCapacity(12) }
    var hostCount = 0
    var contentLength: Int?
    var sawTransferEncoding = false
    var sawChunked = false
    /// The first transfer coding other than chunked.
    var unknownCoding: String?
    var connectionClose = false
    var connectionKeepAlive = false
    var expectsContinue = false

    /// A field's name or value as a String. The spellings nearly every request carries are the literals
    /// themselves, byte for byte (a literal is made once; decoding and checking the bytes again, and
    /// allocating for more than 15 of them, was ~1 000 instructions of a small request's three fields).
    static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        @inline(__always) func matches(_ literal: StaticString) -> Bool {
            let expected = literal.utf8Start
            for i in 0..<range.count where bytes[range.lowerBound &+ i] != expected[i] { return false }
            return true
        }
        switch range.count {
        case 4: if matches("Host") { return "Host" }
        case 6: if matches("Accept") { return "Accept" }
        case 10:
            if matches("Connection") { return "Connection" }
            if matches("User-Agent") { return "User-Agent" }
            if matches("keep-alive") { return "keep-alive" }
        case 12: if matches("Content-Type") { return "Content-Type" }
        case 14: if matches("Content-Length") { return "Content-Length" }
        case 15: if matches("Accept-Encoding") { return "Accept-Encoding" }
        case 16: if matches("application/json") { return "application/json" }
        default: break
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Validates one field line, records it, and applies the per-field rules at once.
    mutating func addField(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) throws(ParseError) {
        let (name, value) = try RequestParser.splitFieldLine(bytes, line)
        headers.add(Self.text(bytes, name), Self.text(bytes, value))
        switch name.count {
        case 4 where ByteClass.equalsIgnoringCase(bytes, name, "host"):
            hostCount += 1
            if hostCount > 1 { throw .multipleHosts }
            for i in value where !ByteClass.isHostByte(bytes[i]) { throw .invalidHost }
        case 6 where ByteClass.equalsIgnoringCase(bytes, name, "expect"):
            if ByteClass.equalsIgnoringCase(bytes, value, "100-continue") { expectsContinue = true }
        case 10 where ByteClass.equalsIgnoringCase(bytes, name, "connection"):
            forEachListElement(bytes, value) { element in
                if ByteClass.equalsIgnoringCase(bytes, element, "close") { connectionClose = true }
                if ByteClass.equalsIgnoringCase(bytes, element, "keep-alive") { connectionKeepAlive = true }
            }
        case 14 where ByteClass.equalsIgnoringCase(bytes, name, "content-length"):
            guard contentLength == nil else { throw .multipleContentLengths }
            contentLength = try Self.parseContentLength(bytes, value)
        case 17 where ByteClass.equalsIgnoringCase(bytes, name, "transfer-encoding"):
            sawTransferEncoding = true
            var failure: ParseError?
            forEachListElement(bytes, value) { coding in
                if failure != nil { return }
                // Anything after chunked (another coding, or chunked again) means the body's end
                // is not where chunked says: RFC 9112 §6.3 requires 400.
                if sawChunked {
                    failure = .chunkedNotFinal
                } else if ByteClass.equalsIgnoringCase(bytes, coding, "chunked") {
                    sawChunked = true
                } else if unknownCoding == nil {
                    unknownCoding = String(decoding: UnsafeBufferPointer(rebasing: bytes[coding]), as: UTF8.self)
                }
            }
            if let failure { throw failure }
        default:
            break
        }
    }

    /// `Content-Length = 1*DIGIT` (RFC 9110 §8.6). A list (`5, 5`) is refused as a duplicate.
    static func parseContentLength(_ bytes: UnsafeBufferPointer<UInt8>, _ value: Range<Int>) throws(ParseError) -> Int {
        guard !value.isEmpty else { throw .invalidContentLength }
        var n = 0
        for i in value {
            let b = bytes[i]
            if b == UInt8(ascii: ",") { throw .multipleContentLengths }
            let digit = b &- UInt8(ascii: "0")
            guard digit <= 9 else { throw .invalidContentLength }
            let (times10, o1) = n.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(digit))
            guard !o1, !o2 else { throw .invalidContentLength }
            n = sum
        }
        return n
    }

    /// Calls `body` with each non-empty element of `#element` (RFC 9110 §5.6.1), OWS trimmed.
    func forEachListElement(
        _ bytes: UnsafeBufferPointer<UInt8>, _ value: Range<Int>, _ body: (Range<Int>) -> Void
    ) {
        var start = value.lowerBound
        while start <= value.upperBound {
            var end = start
            while end < value.upperBound && bytes[end] != UInt8(ascii: ",") { end += 1 }
            var lo = start
            var hi = end
            while lo < hi && ByteClass.isOWS(bytes[lo]) { lo += 1 }
            while hi > lo && ByteClass.isOWS(bytes[hi - 1]) { hi -= 1 }
            if lo < hi { body(lo..<hi) }
            start = end + 1
        }
    }
}
