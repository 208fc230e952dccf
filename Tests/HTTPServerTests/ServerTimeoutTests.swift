import Glibc
import HTTPServer
import Testing

/// Deadlines and caps: what keeps slow or idle clients from holding the server.
@Suite struct ServerTimeoutTests {
    @Test func slowlorisGets408WhenItsHeadTakesTooLong() async throws {
        try await withServer(testConfiguration { $0.requestTimeout = .milliseconds(300) }) { server in
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            let start = ContinuousClock.now
            // A byte every 50 ms: the connection is never idle, but the request never completes in time.
            var response: TestResponse?
            for byte in Array("GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ".utf8) + [UInt8](repeating: 0x61, count: 100) {
                await client.send([byte])
                try await Task.sleep(for: .milliseconds(50))
                response = try? await client.readResponse(timeout: .milliseconds(1))
                if response != nil { break }
            }
            #expect(response?.status == 408)
            #expect(await client.readUntilClosed().closed)
            #expect(ContinuousClock.now - start < .seconds(3))
            let counters = await server.counters()
            #expect(counters.requestTimeouts == 1 && counters.requests == 0)
        }
    }

    @Test func slowBodyGets408Too() async throws {
        try await withServer(testConfiguration { $0.requestTimeout = .milliseconds(300) }) { server in
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            await client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly part of it")
            #expect(try await client.readResponse().status == 408)
            #expect(await client.readUntilClosed().closed)
        }
    }

    @Test func aConnectionThatNeverSpeaksIsClosedAfterTheRequestTimeout() async throws {
        try await withServer(testConfiguration { $0.requestTimeout = .milliseconds(300) }) { server in
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            let end = await client.readUntilClosed(timeout: .seconds(3))
            #expect(end.closed)
            #expect(end.received.isEmpty, "closed silently: there was no request to answer")
        }
    }

    @Test func idleKeepAliveConnectionsCloseAfterTheIdleTimeout() async throws {
        try await withServer(testConfiguration { $0.idleTimeout = .milliseconds(300) }) { server in
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            await client.send(get("/"))
            #expect(try await client.readResponse().status == 200)
            let start = ContinuousClock.now
            let end = await client.readUntilClosed(timeout: .seconds(3))
            #expect(end.closed && end.received.isEmpty)
            #expect(ContinuousClock.now - start >= .milliseconds(250))
            #expect(await server.counters().idleTimeouts == 1)
        }
    }

    @Test func activeKeepAliveConnectionsStay() async throws {
        try await withServer(testConfiguration { $0.idleTimeout = .milliseconds(300) }) { server in
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            for _ in 0..<8 {
                await client.send(get("/"))
                #expect(try await client.readResponse().status == 200)
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    @Test func connectionsOverTheCapGet503() async throws {
        try await withServer(testConfiguration { $0.maxConnections = 2 }) { server in
            let first = try await TestClient.connect(server.address), second = try await TestClient.connect(server.address)
            defer { first.close(); second.close() }
            for client in [first, second] {
                await client.send(get("/"))
                #expect(try await client.readResponse().status == 200)
            }
            let third = try await TestClient.connect(server.address)
            defer { third.close() }
            let refused = try await third.readResponse()
            #expect(refused.status == 503)
            #expect(refused.header("Retry-After") == "1")
            #expect(await third.readUntilClosed().closed)
            first.close()
            let admitted = await eventually {
                guard let client = try? await TestClient.connect(server.address) else { return false }
                defer { client.close() }
                await client.send(get("/again"))
                return (try? await client.readResponse().status) == 200
            }
            #expect(admitted, "a freed slot takes a new connection")
            #expect(await server.counters().connectionsRefused >= 1)
        }
    }

    @Test func aClientThatStopsReadingIsDroppedAfterTheWriteTimeout() async throws {
        let big = [UInt8](repeating: 0x61, count: 8 << 20)
        let configuration = testConfiguration { $0.writeTimeout = .milliseconds(300) }
        try await withServer(configuration, handler: { _ in HTTPResponse(status: .ok, body: big) }) { server in
            let client = try await TestClient.connect(server.address, receiveBuffer: 4096)
            defer { client.close() }
            await client.send(get("/big"))
            let dropped = await eventually(timeout: .seconds(5)) { await server.counters().writeTimeouts == 1 }
            #expect(dropped)
            #expect(await server.counters().connectionsOpen == 0)
        }
    }
}
