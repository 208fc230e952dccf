import Dispatch
import Foundation
import Support
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 client over POSIX sockets for webhook POSTs: keep-alive connections reused
/// per host, one deadline per request (connect + send + response), no redirects, no TLS.
/// Blocking socket work runs on its own dispatch queue, never on Swift's cooperative pool.
public final class HTTPClient: Sendable {
    private let idle = Mutexed<[String: [Int32]]>([:])
    private let maxIdlePerHost: Int
    private let queue = DispatchQueue(label: "mpp.notify-worker.http", attributes: .concurrent)

    public init(maxIdlePerHost: Int = 64) { self.maxIdlePerHost = maxIdlePerHost }

    deinit {
        for descriptor in idle.get().values.flatMap({ $0 }) { Glibc.close(descriptor) }
    }

    /// POSTs `body` and returns the response, or throws `TransportFailure` (timeout, connection, malformed).
    public func post(_ address: HTTPAddress, headers: [(String, String)], body: [UInt8], timeout: Duration) async throws -> HTTPResponse {
        let deadline = Monotonic.nanoseconds() + UInt64(max(0, timeout.components.seconds)) * 1_000_000_000
            + UInt64(max(0, timeout.components.attoseconds) / 1_000_000_000)
        var request = "POST \(address.target) HTTP/1.1\r\nHost: \(address.hostHeader)\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        let bytes = Array((request + "\r\n").utf8) + body
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.exchange(address, bytes, deadline: deadline) })
            }
        }
    }

    /// Sends on a pooled connection (once more on a fresh one if the pooled one was stale).
    private func exchange(_ address: HTTPAddress, _ request: [UInt8], deadline: UInt64) throws -> HTTPResponse {
        let key = "\(address.host):\(address.port)"
        if let pooled = idle.update({ $0[key]?.popLast() }) {
            do {
                return try roundTrip(pooled, request, deadline: deadline, key: key)
            } catch TransportFailure.connection {
                // The server closed the idle connection before reading: send once more, fresh.
                Glibc.close(pooled)
            } catch {
                Glibc.close(pooled)
                throw error
            }
        }
        let descriptor = try connect(address, deadline: deadline)
        do {
            return try roundTrip(descriptor, request, deadline: deadline, key: key)
        } catch {
            Glibc.close(descriptor)
            throw error
        }
    }

    private func roundTrip(_ descriptor: Int32, _ request: [UInt8], deadline: UInt64, key: String) throws -> HTTPResponse {
        try sendAll(descriptor, request, deadline: deadline)
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var closed = false
        while true {
            if closed && buffer.isEmpty { throw TransportFailure.connection("closed before a response") }
            if !buffer.isEmpty, case .done(let response, _) = try HTTPResponseReader.parse(buffer, closed: closed) {
                if response.keepAlive && !closed { release(descriptor, key: key) } else { Glibc.close(descriptor) }
                return response
            }
            if closed { throw TransportFailure.malformed("connection closed inside the response") }
            try wait(descriptor, for: Int16(POLLIN), deadline: deadline, what: "waiting for the response")
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer += chunk[0..<count]
            } else if count == 0 {
                closed = true
            } else if errno != EAGAIN && errno != EINTR {
                throw TransportFailure.connection("recv: \(String(cString: strerror(errno)))")
            }
        }
    }

    private func release(_ descriptor: Int32, key: String) {
        let kept = idle.update { table -> Bool in
            guard (table[key]?.count ?? 0) < maxIdlePerHost else { return false }
            table[key, default: []].append(descriptor)
            return true
        }
        if !kept { Glibc.close(descriptor) }
    }

    private func connect(_ address: HTTPAddress, deadline: UInt64) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(address.host, String(address.port), &hints, &list)
        guard status == 0, let first = list else {
            throw TransportFailure.connection("cannot resolve \(address.host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let descriptor = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard descriptor >= 0 else { lastError = String(cString: strerror(errno)); continue }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL, 0) | O_NONBLOCK)
            var one: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if Glibc.connect(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return descriptor }
            guard errno == EINPROGRESS else {
                lastError = String(cString: strerror(errno))
                Glibc.close(descriptor)
                continue
            }
            do {
                try wait(descriptor, for: Int16(POLLOUT), deadline: deadline, what: "connecting to \(address.hostHeader)")
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
                guard error == 0 else { throw TransportFailure.connection("\(address.hostHeader): \(String(cString: strerror(error)))") }
                return descriptor
            } catch {
                Glibc.close(descriptor)
                throw error
            }
        }
        throw TransportFailure.connection("\(address.hostHeader): \(lastError)")
    }

    private func sendAll(_ descriptor: Int32, _ bytes: [UInt8], deadline: UInt64) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent > 0 {
                offset += sent
            } else if sent < 0 && (errno == EAGAIN || errno == EINTR) {
                try wait(descriptor, for: Int16(POLLOUT), deadline: deadline, what: "sending the request")
            } else {
                throw TransportFailure.connection("send: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Waits until `descriptor` is ready for `events` or the deadline passes.
    private func wait(_ descriptor: Int32, for events: Int16, deadline: UInt64, what: String) throws {
        while true {
            let now = Monotonic.nanoseconds()
            guard now < deadline else { throw TransportFailure.timeout(what) }
            var descriptors = pollfd(fd: descriptor, events: events, revents: 0)
            let milliseconds = Int32(min(UInt64(Int32.max), (deadline - now + 999_999) / 1_000_000))
            let ready = poll(&descriptors, 1, milliseconds)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw TransportFailure.connection("poll: \(String(cString: strerror(errno)))") }
        }
    }
}
