import CCurl

/// A libcurl easy handle driven synchronously: the real client whose behaviour the server must
/// suit (`Expect: 100-continue`, chunked uploads, HTTP/1.0, connection reuse). One handle keeps
/// its connection between calls, as curl does for several URLs on one command line.
package final class CurlClient {
    /// What one transfer returned.
    package struct Result: Sendable {
        package var status: Int
        /// Header fields of the final response (interim 100 responses are dropped), in order.
        package var headers: [(name: String, value: String)]
        package var body: [UInt8]
        /// CURLINFO_TOTAL_TIME, in seconds.
        package var totalTime: Double
        /// CURLINFO_NUM_CONNECTS: new connections this transfer opened (0 when it reused one).
        package var connects: Int

        /// The first value of `name`, compared case-insensitively.
        package func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        package var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    package struct CurlError: Error, CustomStringConvertible {
        package var code: Int
        package var message: String
        package var description: String { "curl error \(code): \(message)" }
    }

    /// How the request body is sent.
    package enum Upload {
        /// With `Content-Length`.
        case sized([UInt8])
        /// With `Transfer-Encoding: chunked`, handed to curl in pieces of at most `pieceSize` bytes.
        case chunked([UInt8], pieceSize: Int)
    }

    /// How long curl waits for `100 Continue` before sending the body anyway (curl's default is
    /// 1 s). A test raises it so that a server that forgets the 100 is unmistakably slow.
    package var expectContinueTimeout: Duration = .seconds(1)
    /// CURLOPT_ACCEPT_ENCODING (`curl --compressed` sets it to ""): nil sends no `Accept-Encoding`
    /// and decodes nothing; a value is sent (an empty one lists every coding curl decodes) and the
    /// answer's `Content-Encoding` is undone, unless `decodesContent` is false.
    package var acceptEncoding: String?
    /// CURLOPT_HTTP_CONTENT_DECODING: false hands the test the body as it came over the wire.
    package var decodesContent = true

    private let handle: UnsafeMutableRawPointer
    private let baseURL: String

    package init(port: Int, host: String = "127.0.0.1") {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        handle = curl_easy_init()
        baseURL = host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }

    deinit { curl_easy_cleanup(handle) }

    package func get(_ path: String, headers: [String] = []) throws(CurlError) -> Result {
        try perform(method: "GET", path: path, headers: headers)
    }

    package func head(_ path: String, headers: [String] = []) throws(CurlError) -> Result {
        try perform(method: "HEAD", path: path, headers: headers)
    }

    package func options(_ path: String, headers: [String] = []) throws(CurlError) -> Result {
        try perform(method: "OPTIONS", path: path, headers: headers)
    }

    package func post(
        _ path: String, body: [UInt8], headers: [String] = [], expectContinue: Bool? = nil, http10: Bool = false
    ) throws(CurlError) -> Result {
        try perform(
            method: "POST", path: path, headers: headers, upload: .sized(body), expectContinue: expectContinue,
            http10: http10)
    }

    /// One transfer.
    /// - Parameters:
    ///   - expectContinue: true sends `Expect: 100-continue` (curl then waits up to 1 s for the
    ///     100), false suppresses it, nil leaves curl's own choice.
    ///   - http10: speak HTTP/1.0 (`--http1.0`).
    package func perform(
        method: String, path: String, headers: [String] = [], upload: Upload? = nil, expectContinue: Bool? = nil,
        http10: Bool = false, timeout: Duration = .seconds(20)
    ) throws(CurlError) -> Result {
        let sink = Sink()
        let source = BodySource(upload: upload)
        var list: UnsafeMutablePointer<curl_slist>?
        var allHeaders = headers
        if case .chunked = upload { allHeaders.append("Transfer-Encoding: chunked") }
        switch expectContinue {
        case true?: allHeaders.append("Expect: 100-continue")
        case false?: allHeaders.append("Expect:")
        case nil: break
        }
        for header in allHeaders { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }

        let url = baseURL + path
        let result: CURLcode = withExtendedLifetime((sink, source)) {
            url.withCString { urlPointer in
                method.withCString { methodPointer in
                    _ = ccurl_setopt_ptr(handle, CURLOPT_URL, urlPointer)
                    _ = ccurl_setopt_ptr(handle, CURLOPT_HTTPHEADER, list)
                    _ = ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout.components.seconds * 1000))
                    _ = ccurl_setopt_long(
                        handle, CURLOPT_EXPECT_100_TIMEOUT_MS,
                        Int(
                            expectContinueTimeout.components.seconds * 1000
                                + expectContinueTimeout.components.attoseconds / 1_000_000_000_000_000))
                    _ = ccurl_setopt_long(
                        handle, CURLOPT_HTTP_VERSION,
                        http10 ? CURL_HTTP_VERSION_1_0 : CURL_HTTP_VERSION_1_1)
                    _ = ccurl_setopt_fn(handle, CURLOPT_WRITEFUNCTION, curlWrite)
                    _ = ccurl_setopt_ptr(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
                    _ = ccurl_setopt_fn(handle, CURLOPT_HEADERFUNCTION, curlHeader)
                    _ = ccurl_setopt_ptr(handle, CURLOPT_HEADERDATA, Unmanaged.passUnretained(sink).toOpaque())
                    _ = ccurl_setopt_ptr(handle, CURLOPT_CUSTOMREQUEST, nil)
                    _ = ccurl_setopt_long(handle, CURLOPT_HTTP_CONTENT_DECODING, decodesContent ? 1 : 0)
                    if let acceptEncoding {
                        _ = acceptEncoding.withCString { ccurl_setopt_ptr(handle, CURLOPT_ACCEPT_ENCODING, $0) }
                    } else {
                        _ = ccurl_setopt_ptr(handle, CURLOPT_ACCEPT_ENCODING, nil)
                    }
                    _ = ccurl_setopt_long(handle, CURLOPT_NOBODY, 0)
                    _ = ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1)
                    switch (method, upload) {
                    case ("HEAD", _):
                        _ = ccurl_setopt_long(handle, CURLOPT_NOBODY, 1)
                    case (_, let upload?):
                        _ = ccurl_setopt_long(handle, CURLOPT_POST, 1)
                        _ = ccurl_setopt_fn(handle, CURLOPT_READFUNCTION, curlRead)
                        _ = ccurl_setopt_ptr(handle, CURLOPT_READDATA, Unmanaged.passUnretained(source).toOpaque())
                        if case .sized(let body) = upload {
                            _ = ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                        } else {
                            _ = ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, -1)
                        }
                        if method != "POST" { _ = ccurl_setopt_ptr(handle, CURLOPT_CUSTOMREQUEST, methodPointer) }
                    case ("GET", nil):
                        break
                    default:
                        _ = ccurl_setopt_ptr(handle, CURLOPT_CUSTOMREQUEST, methodPointer)
                    }
                    return curl_easy_perform(handle)
                }
            }
        }
        guard result == CURLE_OK else {
            throw CurlError(code: Int(result.rawValue), message: String(cString: curl_easy_strerror(result)))
        }
        var status = 0
        var connects = 0
        var micros: curl_off_t = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        _ = ccurl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        _ = ccurl_getinfo_off(handle, CURLINFO_TOTAL_TIME_T, &micros)
        return Result(
            status: status, headers: sink.headers, body: sink.body, totalTime: Double(micros) / 1_000_000,
            connects: connects)
    }
}

/// Collects the response; the final response's headers replace any interim (100) ones.
private final class Sink {
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
}

private final class BodySource {
    let bytes: [UInt8]
    let pieceSize: Int
    var offset = 0
    init(upload: CurlClient.Upload?) {
        switch upload {
        case .sized(let bytes)?:
            self.bytes = bytes
            pieceSize = Int.max
        case .chunked(let bytes, let pieceSize)?:
            self.bytes = bytes
            self.pieceSize = max(1, pieceSize)
        case nil:
            bytes = []
            pieceSize = Int.max
        }
    }
}

private let curlWrite: ccurl_io_fn = { pointer, size, count, context in
    let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
    let n = size * count
    pointer!.withMemoryRebound(to: UInt8.self, capacity: n) {
        sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n))
    }
    return n
}

private let curlHeader: ccurl_io_fn = { pointer, size, count, context in
    let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
    let n = size * count
    let line = pointer!.withMemoryRebound(to: UInt8.self, capacity: n) {
        String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self)
    }
    if line.hasPrefix("HTTP/") {
        sink.headers = []
    } else if let colon = line.firstIndex(of: ":") {
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t\r\n")
        sink.headers.append((name, value))
    }
    return n
}

private let curlRead: ccurl_io_fn = { pointer, size, count, context in
    let source = Unmanaged<BodySource>.fromOpaque(context!).takeUnretainedValue()
    let n = min(size * count, source.pieceSize, source.bytes.count - source.offset)
    guard n > 0 else { return 0 }
    source.bytes.withUnsafeBytes { bytes in
        pointer!.withMemoryRebound(to: UInt8.self, capacity: n) {
            $0.update(from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + source.offset, count: n)
        }
    }
    source.offset += n
    return n
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
}
