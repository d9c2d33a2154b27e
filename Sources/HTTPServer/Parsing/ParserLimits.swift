/// The parser's size limits, in one value so the server configuration can hand them over whole.
///
/// Each limit is checked as soon as it can be passed, never after buffering: a client that sends a
/// megabyte of header without a line end is refused once `maxHeaderSize` bytes have arrived.
package struct ParserLimits: Sendable, Equatable {
    /// Request line plus header block (CRLFs included), in bytes; more is 431. The default, 16 KiB,
    /// is what docs/api.md promises and is far above what curl or a browser sends.
    package var maxHeaderSize: Int
    /// Decoded body bytes; more is 413. The default, 8 MiB, is the service's documented body limit.
    package var maxBodySize: Int

    package init(maxHeaderSize: Int = 16384, maxBodySize: Int = 8 << 20) {
        self.maxHeaderSize = maxHeaderSize
        self.maxBodySize = maxBodySize
    }

    /// The longest chunk-size line (size, extensions and CRLF) accepted. Extensions carry nothing
    /// we use, so they are skipped; this bound keeps a client from streaming one endless line.
    package static let maxChunkLineSize = 4096

    /// How many empty lines may precede a request line. RFC 9112 §2.2 asks servers to ignore at
    /// least one (clients used to send a CRLF after a POST body); more than a few is not a client bug.
    package static let maxLeadingEmptyLines = 4
}
