import Foundation
import Support
import ZMQ

/// How a client secures its connections.
public enum ClientSecurity: Sendable {
    case plain
    /// CURVE with our key pair; `serverKey` names the public key of the server at an endpoint.
    case curve(keyPair: CurveKeyPair, serverKey: @Sendable (String) -> CurveKey?)
}

/// The MPP/1 request side of a caller: one DEALER per endpoint, owned by the I/O loop; many
/// requests in flight on each (pipelining), matched to replies by request id, each with its own
/// deadline.
public actor RPCClient {
    public nonisolated let loop: IOLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

    private struct Pending {
        var continuation: CheckedContinuation<Outcome, any Error>
        var endpoint: String
        var deadline: UInt64
    }

    private let security: ClientSecurity
    private let maxMessageBytes: Int64
    private var connections: [String: Socket] = [:]
    private var pending: [[UInt8]: Pending] = [:]
    private var nextID: UInt64 = 0
    private let idPrefix: [UInt8]
    private var sweeper: Task<Void, Never>?
    private var closed = false

    public init(loop: IOLoop = .shared, security: ClientSecurity = .plain, maxMessageBytes: Int64 = 8 << 20) {
        self.loop = loop
        self.security = security
        self.maxMessageBytes = maxMessageBytes
        var prefix = [UInt8](repeating: 0, count: 4)
        for index in prefix.indices { prefix[index] = UInt8.random(in: 0...255) }
        idPrefix = prefix
    }

    /// Sends one request to `endpoint` and waits for its reply or `timeout`.
    /// Throws `RPCError` `deadline_exceeded` on timeout and `unavailable` when the request
    /// could not be queued; an error reply is returned as an `Outcome`, not thrown.
    public func send(to endpoint: String, method: String, metadata: RequestMetadata = RequestMetadata(),
                     body: [UInt8], attachments: [[UInt8]] = [], timeout: Duration = .seconds(5)) async throws -> Outcome {
        guard !closed else { throw RPCError(.unavailable, "client closed") }
        let socket = try connection(to: endpoint)
        let requestID = makeRequestID()
        var metadata = metadata
        if metadata.deadlineMilliseconds == nil { metadata.deadlineMilliseconds = Int(timeout.milliseconds) }
        let frames = Envelope.request(requestID: requestID, method: method,
                                      metadata: metadata.encoded(), body: body, attachments: attachments)
        let deadline = Monotonic.nanoseconds() + timeout.nanoseconds
        return try await withCheckedThrowingContinuation { continuation in
            do {
                guard try socket.send(frames) else {
                    continuation.resume(throwing: RPCError(.unavailable, "antrean penuh ke \(endpoint) (queue full)"))
                    return
                }
            } catch {
                continuation.resume(throwing: RPCError(.unavailable, "tidak dapat mengirim ke \(endpoint): \(error)"))
                return
            }
            pending[requestID] = Pending(continuation: continuation, endpoint: endpoint, deadline: deadline)
            startSweeperIfNeeded()
        }
    }

    /// Number of requests waiting for a reply.
    public var inFlight: Int { pending.count }

    /// Drops the connection to an endpoint (its instance went away); its pending requests fail `unavailable`.
    public func disconnect(_ endpoint: String) {
        guard let socket = connections.removeValue(forKey: endpoint) else { return }
        loop.release(socket)
        for (id, request) in pending where request.endpoint == endpoint {
            pending.removeValue(forKey: id)
            request.continuation.resume(throwing: RPCError(.unavailable, "\(endpoint) disconnected"))
        }
    }

    /// Fails every pending request and closes every socket.
    public func shutdown() {
        closed = true
        for endpoint in Array(connections.keys) { disconnect(endpoint) }
        sweeper?.cancel()
        sweeper = nil
    }

    // MARK: loop side

    private func connection(to endpoint: String) throws -> Socket {
        if let socket = connections[endpoint] { return socket }
        let dealer = try loop.context.socket(.dealer)
        do {
            try dealer.setLinger(milliseconds: 0)
            try dealer.setMaxMessageSize(bytes: maxMessageBytes)
            try dealer.setHeartbeat(intervalMilliseconds: 2_000, timeoutMilliseconds: 6_000, ttlMilliseconds: 6_000)
            try dealer.setSendHighWaterMark(100_000)
            try dealer.setReceiveHighWaterMark(100_000)
            try dealer.setReconnectInterval(milliseconds: 100, maximum: 2_000)
            if case .curve(let keyPair, let serverKey) = security {
                guard let key = serverKey(endpoint) else {
                    throw RPCError(.unavailable, "kunci publik server \(endpoint) tidak dikenal (unknown server key)")
                }
                try dealer.makeCurveClient(serverKey: key, keyPair: keyPair)
            }
            try dealer.connect(endpoint)
        } catch {
            dealer.close()
            throw error as? RPCError ?? RPCError(.unavailable, "\(error)")
        }
        connections[endpoint] = dealer
        loop.watch(dealer) { [unowned self] in self.assumeIsolated { $0.receiveReplies(from: endpoint) } }
        return dealer
    }

    private func receiveReplies(from endpoint: String) {
        guard let socket = connections[endpoint] else { return }
        for _ in 0..<512 {
            guard let message = try? socket.receive() else { return }
            // [ "", "MPP/1", request id, ok|error, body, attachments… ]
            let frames = message.frames
            guard frames.count >= 5, frames[0].isEmpty, frames[1] == Envelope.version,
                  let request = pending.removeValue(forKey: frames[2]) else { continue }
            var outcome = Outcome(body: frames[4], attachments: Array(frames.dropFirst(5)))
            outcome.isError = frames[3] == Envelope.error
            request.continuation.resume(returning: outcome)
        }
    }

    private func makeRequestID() -> [UInt8] {
        nextID &+= 1
        return withUnsafeBytes(of: nextID.bigEndian) { idPrefix + Array($0) }
    }

    private func startSweeperIfNeeded() {
        guard sweeper == nil else { return }
        sweeper = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(10))
                guard let self, await self.expireOverdue() else { return }
            }
        }
    }

    /// Fails requests past their deadline; returns false when nothing is pending any more.
    private func expireOverdue() -> Bool {
        let now = Monotonic.nanoseconds()
        for (id, request) in pending where request.deadline <= now {
            pending.removeValue(forKey: id)
            request.continuation.resume(throwing: RPCError(.deadlineExceeded, "tidak ada jawaban dari \(request.endpoint) dalam batas waktu"))
        }
        if pending.isEmpty {
            sweeper = nil
            return false
        }
        return true
    }
}

extension Duration {
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
    var milliseconds: UInt64 { nanoseconds / 1_000_000 }
}
