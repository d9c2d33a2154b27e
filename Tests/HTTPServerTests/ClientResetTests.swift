import HTTPServer
import HTTPTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A client that resets its connection (RST) right after sending part of a request: the server
/// must notice the reset and close at once, not hold the descriptor until the request timeout —
/// or a burst of such clients fills the connection limit and every other client gets 503.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ClientResetTests {
    /// A small body, and a large one, which the server receives in place with the socket's low-water
    /// mark at the bytes still missing: a reset must be noticed however much is missing.
    @Test(arguments: [(declared: 100, sent: 16), (declared: 200_000, sent: 100_000)])
    func connectionsResetMidBodyAreClosedAtOnce(declared: Int, sent: Int) async throws {
        let configuration = fastConfiguration(requestTimeout: .seconds(60), idleTimeout: .seconds(60))
        try await withRunningServer(configuration: configuration, handler: echo) { server, port in
            let request =
                Array("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: \(declared)\r\n\r\n".utf8)
                + [UInt8](repeating: UInt8(ascii: "a"), count: sent)
            for _ in 0..<500 {
                let client = try RawClient(port: port)
                _ = client.send(request)
                // SO_LINGER with a zero timeout: close() sends RST instead of FIN.
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(client.fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                withExtendedLifetime(client) {}  // deinit closes: the RST goes out now
            }
            // The request timeout is a minute away: only noticing the resets closes these.
            await waitUntil("the reset connections to close (\(server.openConnections) open)") {
                server.openConnections == 0
            }
        }
    }
}
