import Glibc
import HTTPServer
import Support
import Testing

/// SIGTERM's graceful drain: stop accepting, close idle keep-alive connections, finish what is
/// in flight, then end the streams; at the deadline, end everything.
@Suite struct DrainTests {
    /// `/slow` answers after `delay`; `/events` opens a stream; the rest answers at once.
    private func handler(box: StreamBox, slowFinished: Mutexed<ContinuousClock.Instant?>, delay: Duration) -> HTTPServer.Handler {
        { request in
            if request.path == "/slow" {
                try? await Task.sleep(for: delay)
                slowFinished.set(ContinuousClock.now)
                return HTTPResponse(status: .ok, text: "slow done")
            }
            return await box.handler(request)
        }
    }

    @Test func drainFinishesInFlightClosesIdleThenEndsStreams() async throws {
        let box = StreamBox(), slowFinished = Mutexed<ContinuousClock.Instant?>(nil)
        let server = try HTTPServer(listeningOn: .tcp(host: "127.0.0.1", port: 0), configuration: testConfiguration(),
                                    handler: handler(box: box, slowFinished: slowFinished, delay: .milliseconds(600)))
        let idle = try await TestClient.connect(server.address), busy = try await TestClient.connect(server.address)
        let streaming = try await TestClient.connect(server.address)
        defer { idle.close(); busy.close(); streaming.close() }
        await idle.send(get("/"))
        #expect(try await idle.readResponse().status == 200)
        await streaming.send(get("/events"))
        _ = try await streaming.read(until: "\r\n\r\n")
        let stream = try #require(await box.stream())
        await busy.send(get("/slow"))
        try await Task.sleep(for: .milliseconds(100))  // the slow request is in the handler now

        let drained = Mutexed<ContinuousClock.Instant?>(nil)
        let shutdown = Task {
            await server.shutdown(gracePeriod: .seconds(5))
            drained.set(ContinuousClock.now)
        }
        // Idle keep-alive: closed at once, with nothing sent.
        let idleEnd = await idle.readUntilClosed(timeout: .seconds(1))
        #expect(idleEnd.closed && idleEnd.received.isEmpty)
        // No new connections.
        #expect(await eventually { rawConnect(server.address) == -ECONNREFUSED })
        // The stream is still open while the slow request runs.
        #expect(stream.isOpen)
        stream.send(ServerSentEvent(data: "during drain"))
        #expect(try await streaming.read(until: "\n\n") == "data: during drain\n\n")
        // The request in flight finishes, told to close.
        let response = try await busy.readResponse()
        #expect(response.text == "slow done")
        #expect(response.header("Connection") == "close")
        #expect(await busy.readUntilClosed().closed)
        // Then the streams end, and shutdown returns.
        #expect(await streaming.readUntilClosed().closed)
        await shutdown.value
        #expect(box.ends.get() == [.serverStopping])
        let finished = try #require(slowFinished.get()), done = try #require(drained.get())
        #expect(finished <= done)
    }

    @Test func theDeadlineEndsWhatIsStillRunning() async throws {
        let box = StreamBox(), slowFinished = Mutexed<ContinuousClock.Instant?>(nil)
        let server = try HTTPServer(listeningOn: .tcp(host: "127.0.0.1", port: 0), configuration: testConfiguration(),
                                    handler: handler(box: box, slowFinished: slowFinished, delay: .seconds(30)))
        let client = try await TestClient.connect(server.address)
        defer { client.close() }
        await client.send(get("/slow"))
        try await Task.sleep(for: .milliseconds(100))
        let start = ContinuousClock.now
        await server.shutdown(gracePeriod: .milliseconds(300))
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(await client.readUntilClosed().closed)
    }

    @Test func aRequestArrivingDuringDrainIsAnsweredWithClose() async throws {
        let server = try HTTPServer(listeningOn: .tcp(host: "127.0.0.1", port: 0), configuration: testConfiguration(), handler: echo)
        let client = try await TestClient.connect(server.address)
        defer { client.close() }
        await client.send("GET / HTTP/1.1\r\nHost: t\r\n")  // half a request: not idle
        try await Task.sleep(for: .milliseconds(100))
        let shutdown = Task { await server.shutdown(gracePeriod: .seconds(5)) }
        try await Task.sleep(for: .milliseconds(100))
        await client.send("\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 200 && response.header("Connection") == "close")
        #expect(await client.readUntilClosed().closed)
        await shutdown.value
    }

    @Test func countersAfterShutdownAreTheLastOnes() async throws {
        let server = try HTTPServer(listeningOn: .tcp(host: "127.0.0.1", port: 0), configuration: testConfiguration(), handler: echo)
        let client = try await TestClient.connect(server.address)
        defer { client.close() }
        await client.send(get("/"))
        #expect(try await client.readResponse().status == 200)
        await server.shutdown(gracePeriod: .seconds(1))
        let counters = await server.counters()  // the loop is gone: this must not wait for it
        #expect(counters.requests == 1 && counters.responses2xx == 1 && counters.connectionsOpen == 0)
    }

    @Test func shutdownTwiceWaitsTwice() async throws {
        let server = try HTTPServer(listeningOn: .tcp(host: "127.0.0.1", port: 0), configuration: testConfiguration(), handler: echo)
        async let first: Void = server.shutdown(gracePeriod: .seconds(1))
        async let second: Void = server.shutdown(gracePeriod: .seconds(1))
        _ = await (first, second)
    }
}
