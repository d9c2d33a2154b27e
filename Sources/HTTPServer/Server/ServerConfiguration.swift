/// Every limit and timeout of the server, in one value, each default with its reason
/// (in the style of NIO's `NIOHTTPDecoderLimitConfiguration`). Tests shrink the timeouts to
/// milliseconds, so nothing in the server hard-codes a duration.
package struct ServerConfiguration: Sendable {
    /// An IPv4 or IPv6 literal, or a name such as `localhost`; `0.0.0.0` and `::` listen on every
    /// interface. The default keeps a development server off the network.
    package var host: String = "127.0.0.1"
    /// The TCP port; 0 asks the kernel for a free one, which `Server.start()` returns.
    package var port: Int = 8080
    /// The largest request body accepted (8 MiB → 413 beyond): a batch of a million doubles as
    /// JSON fits, while a hostile upload cannot exhaust memory.
    package var maxBodySize: Int = 8_388_608
    /// The largest request line plus header block (16 KiB → 431), as nginx's
    /// `large_client_header_buffers` and NIO's decoder allow about as much.
    package var maxHeaderSize: Int = 16_384
    /// The time from a request's first byte to its last (→ 408 and close). It bounds slow-loris
    /// clients: a trickle of bytes does not keep a connection alive forever.
    package var requestTimeout: Duration = .seconds(10)
    /// How long a keep-alive connection with nothing pending stays open (then it closes
    /// silently, RFC 9112 §9.8); 60 s matches common load balancers' idle timeouts.
    package var idleTimeout: Duration = .seconds(60)
    /// The most connections open at once; one more is answered 503 and closed. Each connection
    /// holds a descriptor, its parser's buffer and its output, so 1024 bounds memory at tens of MiB; run the
    /// process with `ulimit -n` comfortably above it.
    package var maxConnections: Int = 1024
    /// How long a graceful shutdown waits for requests in progress before it closes them anyway;
    /// 10 s fits inside the 30 s Kubernetes and Docker give between SIGTERM and SIGKILL.
    package var shutdownGrace: Duration = .seconds(10)
    /// The body of each error the server answers by itself (400, 408, 413, 431, 501, 503): the
    /// application's error format, so the server needs none of its own. The default is plain text.
    package var errorResponse: @Sendable (TransportError) -> Response = Response.plainText
    /// Called on Dispatch's utility pool 0.1 s after the last open connection closes while the server
    /// runs, if none has opened meanwhile: the moment to give back memory kept for the load (the
    /// executable trims malloc's arenas there), which costs nothing while clients stay connected. The
    /// pause lets work offloaded for the closed connections finish first. nil: nothing is called.
    package var whenIdle: (@Sendable () -> Void)?

    package init() {}

    package init(
        host: String = "127.0.0.1", port: Int = 8080, maxBodySize: Int = 8_388_608, maxHeaderSize: Int = 16_384,
        requestTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60), maxConnections: Int = 1024,
        shutdownGrace: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.maxHeaderSize = maxHeaderSize
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.shutdownGrace = shutdownGrace
    }
}
