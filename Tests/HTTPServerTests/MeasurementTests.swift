import CEpoll
import Foundation
import HTTPServer
import Support
import Testing

/// Figures, not checks of behaviour: off unless `MPP_HTTP_MEASURE=1` (and best run alone:
/// `MPP_HTTP_MEASURE=1 swift test --filter MeasurementTests`). `MPP_HTTP_MEASURE_CONNECTIONS`
/// sets how many connections (default 5,000; each costs two descriptors in this one process).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["MPP_HTTP_MEASURE"] != nil))
struct MeasurementTests {
    let count = Int(ProcessInfo.processInfo.environment["MPP_HTTP_MEASURE_CONNECTIONS"] ?? "") ?? 5_000

    init() {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    /// Opens `count` connections that each send `request`; returns their descriptors.
    private func open(_ count: Int, to address: HTTPListenAddress, sending request: String) async -> [Int32] {
        await blocking {
            (0..<count).map { _ in
                let fd = rawConnect(address)
                precondition(fd >= 0, "connect: \(-fd) (raise ulimit -n)")
                _ = request.withCString { send(fd, $0, strlen($0), 0) }
                return fd
            }
        }
    }

    @Test func memoryOfIdleEventStreams() async throws {
        let streams = Mutexed<[EventStream]>([])
        streams.update { $0.reserveCapacity(count + 1_000) }
        let handler: HTTPServer.Handler = { _ in .eventStream { stream in streams.update { $0.append(stream) } } }
        try await withServer(testConfiguration { $0.maxConnections = 20_000 }, handler: handler) { server in
            // Warm-up: the first streams grow tables that later ones reuse.
            let warm = await open(500, to: server.address, sending: get("/events"))
            #expect(await eventually(timeout: .seconds(30)) { await server.counters().eventStreamsOpen == 500 })
            let before = cepoll_heap_in_use()
            let fds = await open(count, to: server.address, sending: get("/events"))
            #expect(await eventually(timeout: .seconds(60)) { await server.counters().eventStreamsOpen == count + 500 })
            try await Task.sleep(for: .milliseconds(200))
            let after = cepoll_heap_in_use()
            let perStream = Double(after - before) / Double(count)
            print("memory: \(count) idle SSE streams: \(after - before) bytes of heap, \(Int(perStream)) bytes each")
            #expect(perStream < 1024)

            // One event to every stream: how long until the last client has it.
            let start = ContinuousClock.now
            EventStream.send(ServerSentEvent(data: "fan-out"), to: streams.get())
            let received = await blocking { fds.filter { fd in readUntil("data: fan-out\n\n", from: fd) } }.count
            print("fan-out: one event to \(count) streams, last one read after \(ContinuousClock.now - start)")
            #expect(received == count)
            (warm + fds).forEach { close($0) }
        }
    }

    @Test func memoryOfIdleKeepAliveConnections() async throws {
        try await withServer(testConfiguration { $0.maxConnections = 20_000 }) { server in
            let warm = await open(500, to: server.address, sending: get("/warm"))
            _ = await blocking { warm.allSatisfy { readUntil("GET /warm ", from: $0) } }
            let before = cepoll_heap_in_use()
            let fds = await open(count, to: server.address, sending: get("/"))
            let answered = await blocking { fds.filter { readUntil("GET / ", from: $0) }.count }
            #expect(answered == count)
            try await Task.sleep(for: .milliseconds(200))
            let after = cepoll_heap_in_use()
            print("memory: \(count) idle keep-alive connections: \(after - before) bytes of heap, \((after - before) / count) bytes each")
            (warm + fds).forEach { close($0) }
        }
    }

    @Test func keepAliveRequestsPerSecond() async throws {
        let ok: HTTPServer.Handler = { _ in HTTPResponse(status: .ok, text: "ok") }
        for (name, execution) in [("handler on the loop", HTTPServer.HandlerExecution.onLoop), ("handler on the global pool", .concurrent)] {
            try await withServer(testConfiguration { $0.handlerExecution = execution }, handler: ok) { server in
                let rate = await requestsPerSecond(server.address)
                print("throughput: \(name): \(Int(rate)) requests/s (4 keep-alive connections, one request at a time each)")
            }
        }
        let baseline = try RawBaseline()
        defer { baseline.stop() }
        print("throughput: raw baseline (blocking thread per connection, canned response, no parsing): "
            + "\(Int(await requestsPerSecond(.tcp(host: "127.0.0.1", port: baseline.port)))) requests/s")
    }

    /// Four client threads, each a keep-alive connection sending one request at a time, for a second.
    private func requestsPerSecond(_ address: HTTPListenAddress) async -> Double {
        let request = get("/"), seconds = 1.0
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    await blocking {
                        let fd = rawConnect(address)
                        defer { close(fd) }
                        let deadline = Date().addingTimeInterval(seconds)
                        var done = 0
                        while Date() < deadline {
                            _ = request.withCString { send(fd, $0, strlen($0), 0) }
                            guard readUntil("ok", from: fd) else { break }
                            done += 1
                        }
                        return done
                    }
                }
            }
            return await group.reduce(0, +)
        }
        return Double(counts) / seconds
    }
}

/// Blocking read from `fd` until `text` arrives (or the peer closes, or 10 s pass).
func readUntil(_ text: String, from fd: Int32) -> Bool {
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let needle = Array(text.utf8)
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while TestClient.find(needle, in: received) == nil {
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        received += chunk[..<count]
    }
    return true
}

/// The floor under any server: a thread per connection that answers each request's blank line with
/// a canned response, without parsing anything.
final class RawBaseline: @unchecked Sendable {
    let fd: Int32
    let port: Int

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        listen(listener, 64)
        fd = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread {
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                Thread { Self.serve(connection) }.start()
            }
        }.start()
    }

    private static func serve(_ fd: Int32) {
        let response = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8)
        var buffer = [UInt8](repeating: 0, count: 4096)
        var matched = 0  // bytes of CRLFCRLF seen so far
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            for byte in buffer[..<count] {
                matched = byte == [13, 10, 13, 10][matched] ? matched + 1 : (byte == 13 ? 1 : 0)
                if matched == 4 {
                    matched = 0
                    _ = response.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
                }
            }
        }
        close(fd)
    }

    func stop() { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
}
