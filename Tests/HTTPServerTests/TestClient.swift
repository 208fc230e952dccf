import Foundation
import Glibc
import HTTPServer

/// Runs blocking socket work on a thread of its own. Not on the cooperative pool, and not on
/// `DispatchQueue.global()` either: on Linux both share ncpu threads (two here), so two blocked
/// reads would starve the very handlers they wait for.
func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}

/// A response as the test client read it.
struct TestResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    var text: String { String(decoding: body, as: UTF8.self) }
}

enum TestClientError: Error {
    case connect(Int32)
    case timeout(received: String)
    case closed(received: String)
    case malformed(String)
}

/// A plain blocking loopback client: raw bytes out, responses parsed just enough to check them.
final class TestClient: @unchecked Sendable {
    let fd: Int32
    /// Received and not yet consumed.
    private var pending: [UInt8] = []

    private init(fd: Int32) { self.fd = fd }

    static func connect(_ address: HTTPListenAddress, receiveBuffer: Int32? = nil) async throws -> TestClient {
        let result = await blocking { () -> Result<Int32, TestClientError> in
            let fd = rawConnect(address, receiveBuffer: receiveBuffer)
            return fd >= 0 ? .success(fd) : .failure(.connect(-fd))
        }
        return TestClient(fd: try result.get())
    }

    func send(_ text: String) async { await send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) async {
        let fd = self.fd
        await blocking {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent <= 0 { return }
                offset += sent
            }
        }
    }

    /// Reads one response with a `Content-Length` body (or none, for HEAD, 1xx, 204, 304).
    func readResponse(timeout: Duration = .seconds(5), head: Bool = false) async throws -> TestResponse {
        let headEnd = try await fill(timeout: timeout) { Self.find([13, 10, 13, 10], in: $0) != nil }
        let end = Self.find([13, 10, 13, 10], in: headEnd)!
        let lines = String(decoding: headEnd[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0] == "HTTP/1.1", let status = Int(statusParts[1]) else {
            throw TestClientError.malformed(lines[0])
        }
        let headers = lines.dropFirst().map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":") ?? line.endIndex
            return (String(line[..<colon]), String(line[colon...].dropFirst().drop { $0 == " " }))
        }
        var response = TestResponse(status: status, headers: headers, body: [])
        let length = head || status / 100 == 1 || status == 204 || status == 304 ? 0 : Int(response.header("Content-Length") ?? "0") ?? 0
        let all = try await fill(timeout: timeout) { $0.count >= end + 4 + length }
        response.body = Array(all[(end + 4)..<(end + 4 + length)])
        pending = Array(all[(end + 4 + length)...])
        return response
    }

    /// Reads until `text` has arrived; returns everything read up to and including it.
    func read(until text: String, timeout: Duration = .seconds(5)) async throws -> String {
        let needle = Array(text.utf8)
        let all = try await fill(timeout: timeout) { Self.find(needle, in: $0) != nil }
        let end = Self.find(needle, in: all)! + needle.count
        pending = Array(all[end...])
        return String(decoding: all[..<end], as: UTF8.self)
    }

    /// Whether the server closes the connection within `timeout` (whatever it sends first is returned).
    func readUntilClosed(timeout: Duration = .seconds(5)) async -> (closed: Bool, received: String) {
        do {
            _ = try await fill(timeout: timeout) { _ in false }
            return (false, "")
        } catch TestClientError.closed(let received) {
            return (true, received)
        } catch TestClientError.timeout(let received) {
            return (false, received)
        } catch {
            return (false, "")
        }
    }

    /// Reads until `done(received)` holds. `received` includes what earlier reads left, and all of
    /// it stays in `pending` (the caller cuts what it consumes), also when this throws: on timeout,
    /// or when the server closes first.
    private func fill(timeout: Duration, until done: @escaping @Sendable ([UInt8]) -> Bool) async throws -> [UInt8] {
        let fd = self.fd, start = pending
        let deadline = ContinuousClock.now + timeout
        let (received, failure) = await blocking { () -> ([UInt8], TestClientError?) in
            var received = start
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while !done(received) {
                let left = deadline - ContinuousClock.now
                guard left > .zero else { return (received, .timeout(received: String(decoding: received, as: UTF8.self))) }
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let milliseconds = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
                guard poll(&poller, 1, milliseconds) > 0 else { continue }
                let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count <= 0 { return (received, .closed(received: String(decoding: received, as: UTF8.self))) }
                received += chunk[..<count]
            }
            return (received, nil)
        }
        pending = received
        if let failure { throw failure }
        return received
    }

    func close() { Glibc.close(fd) }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}

/// A blocking connect; the descriptor, or minus errno.
func rawConnect(_ address: HTTPListenAddress, receiveBuffer: Int32? = nil) -> Int32 {
    switch address {
    case .tcp(let host, let port):
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, 4) }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = in_port_t(UInt16(port).bigEndian)
        target.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 {
            let code = errno
            Glibc.close(fd)
            return -code
        }
        return fd
    case .unix(let path):
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var target = sockaddr_un()
        target.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &target.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if connected != 0 {
            let code = errno
            Glibc.close(fd)
            return -code
        }
        return fd
    }
}
