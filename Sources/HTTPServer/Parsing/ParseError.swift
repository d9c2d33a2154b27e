package import HTTPTypes

/// Why a request could not be parsed. Every case is terminal: the server answers ``status`` with
/// `Connection: close`, since after a framing error nothing later on the connection can be trusted
/// (that is how request smuggling works).
///
/// The cases hold data, not prose; ``detail`` writes the sentence for problem+json.
package enum ParseError: Error, Equatable, Sendable {
    /// More empty lines before the request line than ``ParserLimits/maxLeadingEmptyLines``.
    case tooManyEmptyLines
    /// A line ended with LF alone. RFC 9112 §2.2 lets a recipient accept it, but a proxy in front
    /// that reads lines differently is a smuggling vector, so we refuse, as llhttp's strict mode does.
    case bareLineFeed
    /// A CR not followed by LF (RFC 9112 §2.2: MUST be treated as invalid or replaced).
    case bareCarriageReturn
    /// The method is empty or not a token (RFC 9110 §9.1).
    case invalidMethod
    /// The request line does not have three parts separated by single spaces.
    case invalidRequestLine
    /// The target has a control character or space, or is not origin-form, absolute-form or
    /// `*` with OPTIONS (RFC 9112 §3.2).
    case invalidRequestTarget
    /// The version is not `HTTP/DIGIT.DIGIT`.
    case invalidVersion
    /// A well-formed version other than 1.0 and 1.1 (the HTTP/2 preface `PRI * HTTP/2.0` lands here).
    case unsupportedVersion(major: Int, minor: Int)
    /// A field name that is empty, not a token, or a line without a colon.
    case invalidHeaderName
    /// Whitespace between a field name and its colon (RFC 9112 §5.1: MUST reject with 400).
    case whitespaceBeforeColon
    /// A field line that starts with SP or HTAB (obs-fold, RFC 9112 §5.2).
    case obsoleteLineFolding
    /// A control character (other than HTAB) or NUL in the value of `name`.
    case invalidHeaderValue(name: String)
    /// HTTP/1.1 without `Host` (RFC 9112 §3.2: MUST respond 400).
    case missingHost
    /// More than one `Host` field.
    case multipleHosts
    /// A `Host` value with a byte that cannot appear in `uri-host [":" port]` (RFC 9112 §3.2: 400).
    case invalidHost
    /// Both `Content-Length` and `Transfer-Encoding`: refused rather than processed, because a
    /// front end that picks the other one would see a different request boundary.
    case contentLengthWithTransferEncoding
    /// More than one `Content-Length` field or a list (`5, 5`), even of identical values.
    case multipleContentLengths
    /// A `Content-Length` that is not all digits, or does not fit in an Int.
    case invalidContentLength
    /// `Transfer-Encoding` in an HTTP/1.0 request (RFC 9112 §6.1: framing is faulty).
    case transferEncodingInHTTP10
    /// `chunked` is not the last transfer coding, or appears twice, or the list is empty.
    case chunkedNotFinal
    /// A transfer coding other than chunked (RFC 9112 §6.1: 501).
    case unsupportedTransferCoding(String)
    /// A chunk size that is not hex digits (optionally followed by extensions), or overflows.
    case invalidChunkSize
    /// A chunk-size line longer than ``ParserLimits/maxChunkLineSize``.
    case chunkLineTooLong(limit: Int)
    /// Chunk data not followed by CRLF.
    case missingChunkTerminator
    /// Request line and header fields (or the trailer section) larger than the limit.
    case headersTooLarge(limit: Int)
    /// A declared or decoded body larger than the limit.
    case bodyTooLarge(limit: Int)

    /// The one status each case is answered with.
    package var status: HTTPResponse.Status {
        switch self {
        case .headersTooLarge: .requestHeaderFieldsTooLarge
        case .bodyTooLarge: .contentTooLarge
        case .unsupportedTransferCoding: .notImplemented
        case .unsupportedVersion: .httpVersionNotSupported
        case .tooManyEmptyLines, .bareLineFeed, .bareCarriageReturn, .invalidMethod, .invalidRequestLine,
            .invalidRequestTarget, .invalidVersion, .invalidHeaderName, .whitespaceBeforeColon,
            .obsoleteLineFolding, .invalidHeaderValue, .missingHost, .multipleHosts, .invalidHost,
            .contentLengthWithTransferEncoding, .multipleContentLengths, .invalidContentLength,
            .transferEncodingInHTTP10, .chunkedNotFinal, .invalidChunkSize, .chunkLineTooLong,
            .missingChunkTerminator:
            .badRequest
        }
    }

    /// A sentence for the problem+json `detail`.
    package var detail: String {
        switch self {
        case .tooManyEmptyLines: "too many empty lines before the request line"
        case .bareLineFeed: "a line ends with LF without CR"
        case .bareCarriageReturn: "a CR is not followed by LF"
        case .invalidMethod: "the method is not a token"
        case .invalidRequestLine: "the request line is not 'method SP target SP version'"
        case .invalidRequestTarget: "the request target is not valid"
        case .invalidVersion: "the HTTP version is malformed"
        case .unsupportedVersion(let major, let minor): "HTTP/\(major).\(minor) is not supported; use HTTP/1.1"
        case .invalidHeaderName: "a header field name is not a token"
        case .whitespaceBeforeColon: "whitespace between a header field name and its colon"
        case .obsoleteLineFolding: "a header field line is folded (obs-fold)"
        case .invalidHeaderValue(let name): "header field \(name) has a control character in its value"
        case .missingHost: "an HTTP/1.1 request must have a Host header field"
        case .multipleHosts: "more than one Host header field"
        case .invalidHost: "the Host header field is not a valid host and port"
        case .contentLengthWithTransferEncoding: "Content-Length and Transfer-Encoding both present"
        case .multipleContentLengths: "more than one Content-Length"
        case .invalidContentLength: "Content-Length is not a non-negative decimal integer"
        case .transferEncodingInHTTP10: "Transfer-Encoding in an HTTP/1.0 request"
        case .chunkedNotFinal: "chunked must be the final transfer coding, once"
        case .unsupportedTransferCoding(let coding): "transfer coding \(coding) is not supported; only chunked is"
        case .invalidChunkSize: "a chunk size is not a valid hexadecimal number"
        case .chunkLineTooLong(let limit): "a chunk size line is longer than \(limit) bytes"
        case .missingChunkTerminator: "chunk data is not followed by CRLF"
        case .headersTooLarge(let limit): "the request line and headers are larger than \(limit) bytes"
        case .bodyTooLarge(let limit): "the body is larger than \(limit) bytes"
        }
    }
}
