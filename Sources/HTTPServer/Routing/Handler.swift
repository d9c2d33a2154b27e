/// The application: a request in, a response out. It runs on the connection's own queue, so a
/// slow handler holds only its own connection, and pipelined responses leave in request order.
package typealias Handler = @Sendable (Request) -> Response
