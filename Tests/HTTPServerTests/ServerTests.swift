import Glibc
import HTTPServer
import Support
import Testing

@Suite struct ServerTests {
    @Test func bindsAnEphemeralPortAndKeepsConnectionsAlive() async throws {
        try await withServer { server in
            let port = try #require(server.address.port)
            #expect(port > 0)
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            for index in 0..<3 {
                await client.send("POST /items/\(index) HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello")
                let response = try await client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == "POST /items/\(index) hello")
                #expect(response.header("Connection") == nil, "HTTP/1.1 stays open without saying so")
                #expect(response.header("Date")?.hasSuffix(" GMT") == true)
            }
            let counters = await server.counters()
            #expect(counters.connectionsAccepted == 1)
            #expect(counters.requests == 3)
            #expect(counters.responses2xx == 3)
            #expect(counters.bytesReceived > 0 && counters.bytesSent > 0)
        }
    }

    @Test func http10AndConnectionCloseEndTheConnection() async throws {
        try await withServer { server in
            for request in ["GET /old HTTP/1.0\r\n\r\n", get("/bye", ["Connection: close"])] {
                let client = try await TestClient.connect(server.address)
                defer { client.close() }
                await client.send(request)
                let response = try await client.readResponse()
                #expect(response.status == 200)
                #expect(response.header("Connection") == "close")
                #expect(await client.readUntilClosed().closed)
            }
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            await client.send("GET /kept HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try await client.readResponse().header("Connection") == "keep-alive")
            await client.send("GET /again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try await client.readResponse().text == "GET /again ")
        }
    }

    @Test func pipelinedResponsesLeaveInRequestOrder() async throws {
        // The first request takes longest: its response must still come first.
        let handler: HTTPServer.Handler = { request in
            let index = Int(request.target.dropFirst()) ?? 0
            try? await Task.sleep(for: .milliseconds((8 - index) * 15))
            return HTTPResponse(status: .ok, text: "response \(index)")
        }
        try await withServer(handler: handler) { server in
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            await client.send((0..<8).map { get("/\($0)") }.joined())
            var bodies: [String] = []
            for _ in 0..<8 { bodies.append(try await client.readResponse().text) }
            #expect(bodies == (0..<8).map { "response \($0)" })
        }
    }

    @Test func manyPipelinedRequestsBeyondTheWindowAllGetAnswers() async throws {
        try await withServer(testConfiguration { $0.maxPipelinedRequests = 4 }) { server in
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            await client.send((0..<100).map { get("/\($0)") }.joined())
            for index in 0..<100 { #expect(try await client.readResponse().text == "GET /\(index) ") }
        }
    }

    static let framingErrors: [(request: String, status: Int)] = [
        ("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 411),
        ("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
        ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999999999999\r\n\r\n", 413),
        ("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + String(repeating: "x", count: 20_000) + "\r\n\r\n", 431),
        ("GET / HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n folded\r\n\r\n", 400),
        ("GET http://evil/ HTTP/1.1\r\nHost: t\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505),
        ("GET / HTTP/1.1\nHost: t\n\n", 400),
        ("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414),
        ("\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}\u{00}\u{01}\u{fc}\u{03}\u{03}garbage-tls-hello\r\n\r\n", 400),
    ]

    @Test(arguments: framingErrors)
    func framingErrorsAreAnsweredThenTheConnectionCloses(request: String, status: Int) async throws {
        try await withServer { server in
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            // A good request first: its answer comes before the refusal, and nothing after it.
            await client.send(get("/first") + request + get("/never"))
            #expect(try await client.readResponse().text == "GET /first ")
            let refusal = try await client.readResponse()
            #expect(refusal.status == status)
            #expect(refusal.header("Connection") == "close")
            let end = await client.readUntilClosed()
            #expect(end.closed)
            #expect(end.received.isEmpty, "nothing after the refusal: \(end.received)")
            let counters = await server.counters()
            #expect(counters.requests == 1 && counters.requestErrors == 1 && counters.responses4xx + counters.responses5xx == 1)
        }
    }

    @Test func contentTooLargeIsAnsweredWithoutReadingTheBody() async throws {
        try await withServer(testConfiguration { $0.limits.maxBodyBytes = 1000 }) { server in
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            await client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 413)
            // The client keeps sending its body for a while; the server reads and drops it, then closes.
            await client.send([UInt8](repeating: 0x41, count: 200_000))
            #expect(await client.readUntilClosed().closed)
        }
    }

    @Test func expectContinueGetsContinueThenTheResponse() async throws {
        try await withServer { server in
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            await client.send("PUT /doc HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            _ = try await client.read(until: "HTTP/1.1 100 Continue\r\n\r\n")
            await client.send("data")
            #expect(try await client.readResponse().text == "PUT /doc data")
        }
    }

    @Test func headGetsTheLengthWithoutTheBody() async throws {
        try await withServer { server in
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            await client.send("HEAD /thing HTTP/1.1\r\nHost: t\r\n\r\n" + get("/after"))
            let head = try await client.readResponse(head: true)
            #expect(head.header("Content-Length") == "12")
            #expect(try await client.readResponse().text == "GET /after ", "no body bytes were left between the two")
        }
    }

    @Test func responsesTheWriterRefusesBecome500() async throws {
        try await withServer(handler: { _ in HTTPResponse(status: .ok, headers: ["X-Evil": "a\r\nSet-Cookie: x=1"], body: []) }) { server in
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            await client.send(get("/"))
            let response = try await client.readResponse()
            #expect(response.status == 500)
            #expect(response.header("Set-Cookie") == nil)
        }
    }

    @Test func handlersCanRunOnTheLoop() async throws {
        try await withServer(testConfiguration { $0.handlerExecution = .onLoop }) { server in
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            for index in 0..<20 {
                await client.send(get("/\(index)"))
                #expect(try await client.readResponse().text == "GET /\(index) ")
            }
        }
    }

    @Test func unixSocket() async throws {
        let path = "/tmp/mpp-http-test-\(getpid())-\(Int.random(in: 0..<1_000_000)).sock"
        try await withServer(testConfiguration { $0.unixSocketMode = 0o660 }, on: .unix(path: path)) { server in
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            await client.send(get("/over-unix"))
            let response = try await client.readResponse()
            #expect(response.text == "GET /over-unix ")
            var status = stat()
            #expect(stat(path, &status) == 0 && status.st_mode & 0o777 == 0o660)
            #expect(throws: HTTPServerError.addressInUse("unix:" + path)) {
                _ = try HTTPServer(listeningOn: .unix(path: path), handler: echo)
            }
        }
        #expect(access(path, F_OK) != 0, "the socket file is removed at shutdown")
    }

    @Test func aStaleUnixSocketFileIsReplaced() async throws {
        let path = "/tmp/mpp-http-stale-\(getpid())-\(Int.random(in: 0..<1_000_000)).sock"
        // A socket file nobody listens on, as a crashed server leaves it.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8) }
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        close(stale)
        #expect(access(path, F_OK) == 0)
        try await withServer(on: .unix(path: path)) { server in
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            await client.send(get("/"))
            #expect(try await client.readResponse().status == 200)
        }
    }

    @Test func listenErrors() {
        #expect(throws: HTTPServerError.invalidAddress("not-an-ip")) {
            _ = try HTTPServer(listeningOn: .tcp(host: "not-an-ip", port: 0), handler: echo)
        }
    }
}
