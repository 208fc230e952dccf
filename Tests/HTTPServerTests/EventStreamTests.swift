import HTTPServer
import Support
import Testing

/// Streams the handler opened, kept in arrival order, with how each ended.
final class StreamBox: Sendable {
    let streams = Mutexed<[EventStream]>([])
    let ends = Mutexed<[EventStreamEnd]>([])

    /// A handler that opens a stream on `/events` and answers anything else with 200.
    var handler: HTTPServer.Handler {
        { [self] request in
            guard request.path == "/events" else { return HTTPResponse(status: .ok, text: "plain") }
            return .eventStream(headers: ["X-Stream": "yes"]) { stream in
                stream.onClose { end in self.ends.update { $0.append(end) } }
                self.streams.update { $0.append(stream) }
            }
        }
    }

    func stream(_ index: Int = 0) async -> EventStream? {
        _ = await eventually { self.streams.get().count > index }
        let all = streams.get()
        return index < all.count ? all[index] : nil
    }
}

@Suite struct EventStreamTests {
    /// Opens `/events` and reads the head.
    private func openStream(_ server: HTTPServer) async throws -> TestClient {
        let client = try await TestClient.connect(server.address)
        await client.send(get("/events", ["Accept: text/event-stream"]))
        let head = try await client.read(until: "\r\n\r\n")
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        for field in ["Content-Type: text/event-stream", "Cache-Control: no-cache", "X-Accel-Buffering: no", "X-Stream: yes", "Connection: close"] {
            #expect(head.contains(field + "\r\n"), "\(field)")
        }
        #expect(!head.contains("Content-Length"))
        return client
    }

    @Test func eventsAndHeartbeatsReachTheClient() async throws {
        let box = StreamBox()
        try await withServer(testConfiguration { $0.heartbeatInterval = .milliseconds(200) }, handler: box.handler) { server in
            let client = try await openStream(server)
            defer { client.close() }
            let stream = try #require(await box.stream())
            #expect(stream.send(ServerSentEvent(data: "line one\nline two", event: "inbox", id: "7")))
            #expect(try await client.read(until: "\n\n") == "event: inbox\nid: 7\ndata: line one\ndata: line two\n\n")
            #expect(try await client.read(until: ": ping\n\n", timeout: .seconds(3)) == ": ping\n\n", "a quiet stream gets a heartbeat")
            stream.sendComment("still here")
            #expect(try await client.read(until: "\n\n") == ": still here\n\n")
            let counters = await server.counters()
            #expect(counters.eventStreamsOpen == 1 && counters.eventStreamsOpened == 1)
            #expect(counters.eventsSent == 2 && counters.heartbeatsSent >= 1)
        }
    }

    @Test func aClientThatGoesAwayIsNoticed() async throws {
        let box = StreamBox()
        try await withServer(handler: box.handler) { server in
            let client = try await openStream(server)
            let stream = try #require(await box.stream())
            #expect(stream.isOpen)
            client.close()
            #expect(await eventually { box.ends.get() == [.clientClosed] })
            #expect(!stream.isOpen && stream.end == .clientClosed)
            #expect(!stream.send(ServerSentEvent(data: "too late")))
            #expect(await server.counters().eventStreamsOpen == 0)
            #expect(await server.counters().connectionsOpen == 0)
        }
    }

    @Test func theApplicationEndsAStreamAfterWhatIsQueued() async throws {
        let box = StreamBox()
        try await withServer(handler: box.handler) { server in
            let client = try await openStream(server)
            defer { client.close() }
            let stream = try #require(await box.stream())
            stream.send(ServerSentEvent(data: "last", id: "99"))
            stream.close()
            let end = await client.readUntilClosed()
            #expect(end.closed)
            #expect(end.received == "id: 99\ndata: last\n\n")
            #expect(box.ends.get() == [.closed])
            let late = Mutexed<EventStreamEnd?>(nil)
            stream.onClose { end in late.set(end) }
            #expect(late.get() == .closed, "onClose after the end runs at once")
        }
    }

    @Test func oneEventFansOutToManyStreams() async throws {
        let box = StreamBox()
        try await withServer(handler: box.handler) { server in
            var clients: [TestClient] = []
            for _ in 0..<40 { clients.append(try await openStream(server)) }
            defer { clients.forEach { $0.close() } }
            #expect(await eventually { box.streams.get().count == 40 })
            #expect(EventStream.send(ServerSentEvent(data: "to all", event: "broadcast"), to: box.streams.get()) == 40)
            for client in clients { #expect(try await client.read(until: "\n\n") == "event: broadcast\ndata: to all\n\n") }
            #expect(await server.counters().eventsSent == 40)
        }
    }

    @Test func aStreamWhoseClientDoesNotReadIsDropped() async throws {
        let box = StreamBox()
        try await withServer(testConfiguration { $0.maxStreamBacklogBytes = 64 * 1024 }, handler: box.handler) { server in
            let client = try await openStream(server)
            defer { client.close() }
            let stream = try #require(await box.stream())
            let chunk = String(repeating: "x", count: 8 * 1024)
            var sent = 0
            // The kernel's buffers take some megabytes first; then the server's own backlog fills.
            while stream.isOpen && sent < 64 << 20 {
                stream.send(ServerSentEvent(data: chunk))
                sent += chunk.utf8.count
                if sent % (1 << 20) == 0 { try await Task.sleep(for: .milliseconds(5)) }
            }
            #expect(await eventually { box.ends.get() == [.tooSlow] })
            #expect(await server.counters().eventStreamsTooSlow == 1)
        }
    }

    @Test func otherRoutesOnTheSameServerAreUnaffected() async throws {
        let box = StreamBox()
        try await withServer(handler: box.handler) { server in
            let streamClient = try await openStream(server)
            defer { streamClient.close() }
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            await client.send(get("/plain"))
            #expect(try await client.readResponse().text == "plain")
        }
    }

    @Test func headOfAStreamRouteGetsTheHeadAndCloses() async throws {
        let box = StreamBox()
        try await withServer(handler: box.handler) { server in
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            await client.send("HEAD /events HTTP/1.1\r\nHost: t\r\n\r\n")
            let end = await client.readUntilClosed()
            #expect(end.closed && end.received.hasPrefix("HTTP/1.1 200 OK\r\n") && end.received.hasSuffix("\r\n\r\n"))
            #expect(box.streams.get().isEmpty, "no stream opened for HEAD")
        }
    }
}
