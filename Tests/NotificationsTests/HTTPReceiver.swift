import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP/1.1 server on 127.0.0.1 (ephemeral port) standing in for an SMS/WhatsApp gateway:
/// it records every request and answers from a script — a status, or `hold` (keep the request
/// unanswered until `release()`), then 200 once the script is used up. Keep-alive supported.
final class HTTPReceiver: Sendable {
    enum Reply: Sendable, Equatable {
        case status(Int)
        case hold
    }

    struct Request: Sendable {
        var path: String
        var headers: [String: String]
        var body: [UInt8]
        var notificationID: String? { headers["x-mpp-notification-id"] }
    }

    private struct State {
        var script: [Reply] = []
        var requests: [Request] = []
        var released = false
        var stopped = false
        var connections: [Int32] = []
    }

    let port: Int
    private let listener: Int32
    private let state = Mutex(State())

    var url: String { "http://127.0.0.1:\(port)/hook" }

    init(script: [Reply] = []) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound, listen(descriptor, 128) == 0 else { throw POSIXError(.EADDRINUSE) }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        state.withLock { $0.script = script }
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Replies for the next requests, in order of arrival.
    func script(_ replies: [Reply]) { state.withLock { $0.script += replies } }

    /// Answers every held request (with 200) and holds no more.
    func release() { state.withLock { $0.released = true } }

    var requests: [Request] { state.withLock { $0.requests } }

    /// Descriptors are only touched under the lock, and only while still open: a descriptor
    /// number closed elsewhere may already belong to another test's socket (libzmq aborts on it).
    func stop() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            state.released = true
            shutdown(listener, Int32(SHUT_RDWR))
            for connection in state.connections { shutdown(connection, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop() {
        while !state.withLock({ $0.stopped }) {
            var descriptors = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptors, 1, 100) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            state.withLock { $0.connections.append(connection) }
            Thread.detachNewThread { [self] in serve(connection) }
        }
        state.withLock { _ in _ = close(listener) }
    }

    /// Serves requests on one connection until the peer closes it.
    private func serve(_ connection: Int32) {
        defer {
            state.withLock { state in
                state.connections.removeAll { $0 == connection }
                close(connection)
            }
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            while let (request, used) = Self.parse(buffer) {
                buffer.removeFirst(used)
                let reply = state.withLock { state -> Reply in
                    state.requests.append(request)
                    return state.script.isEmpty ? .status(200) : state.script.removeFirst()
                }
                var status = 200
                switch reply {
                case .status(let code): status = code
                case .hold:
                    while !state.withLock({ $0.released }) { usleep(10_000) }
                }
                let body = Array("{\"status\":\(status)}".utf8)
                let head = "HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
                let bytes = Array(head.utf8) + body
                guard bytes.withUnsafeBytes({ send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else { return }
            }
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            buffer += chunk[0..<count]
        }
    }

    /// One complete request (headers + Content-Length body) at the start of `buffer`.
    static func parse(_ buffer: [UInt8]) -> (Request, Int)? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard buffer.count >= 4, let end = (0...(buffer.count - 4)).first(where: { Array(buffer[$0..<($0 + 4)]) == separator }) else { return nil }
        let lines = String(decoding: buffer[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard buffer.count >= end + 4 + length else { return nil }
        let path = lines.first?.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        return (Request(path: path, headers: headers, body: Array(buffer[(end + 4)..<(end + 4 + length)])), end + 4 + length)
    }
}
