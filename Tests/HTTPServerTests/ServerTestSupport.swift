import HTTPServer
import Support
import Testing

/// A configuration with short timeouts, so that tests of them take a fraction of a second.
func testConfiguration(_ change: (inout HTTPServer.Configuration) -> Void = { _ in }) -> HTTPServer.Configuration {
    var configuration = HTTPServer.Configuration()
    configuration.requestTimeout = .seconds(5)
    configuration.idleTimeout = .seconds(10)
    configuration.lingerTimeout = .milliseconds(500)
    configuration.threadName = "http-test"
    change(&configuration)
    return configuration
}

/// Answers with the method, target and body it got.
let echo: HTTPServer.Handler = { request in
    HTTPResponse(status: .ok, text: "\(request.method) \(request.target) \(String(decoding: request.body, as: UTF8.self))")
}

/// Runs `body` against a server on an ephemeral loopback port, then drains it.
func withServer(_ configuration: HTTPServer.Configuration = testConfiguration(), on address: HTTPListenAddress = .tcp(host: "127.0.0.1", port: 0),
                handler: @escaping HTTPServer.Handler = echo, _ body: (HTTPServer) async throws -> Void) async throws {
    let server = try HTTPServer(listeningOn: address, configuration: configuration, handler: handler)
    do {
        try await body(server)
    } catch {
        await server.shutdown(gracePeriod: .milliseconds(200))
        throw error
    }
    await server.shutdown(gracePeriod: .milliseconds(200))
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(5), _ condition: @Sendable () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}

/// `GET target` with a Host, as one string.
func get(_ target: String, _ fields: [String] = []) -> String {
    "GET \(target) HTTP/1.1\r\nHost: test\r\n" + fields.map { $0 + "\r\n" }.joined() + "\r\n"
}
