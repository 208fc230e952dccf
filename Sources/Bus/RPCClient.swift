import Foundation
import Support
import Synchronization
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
///
/// The caller waits where it is: frames are built on its thread, only the send runs on the I/O
/// loop (inline when the caller is already there), and the reply resumes the caller directly:
/// one thread hand-off each way, none for a task that prefers the loop as its executor
/// (`withTaskExecutorPreference(loop)`).
public actor RPCClient {
    public nonisolated let loop: IOLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

    /// A request ready to go, built on the caller's thread.
    struct Request: Sendable {
        var endpoint: String
        var sequence: UInt64
        var frames: [[UInt8]]
    }

    /// Who is waiting for a reply.
    enum Waiter {
        case caller(CheckedContinuation<Outcome, any Error>)
        case pipeline(Pipeline, index: Int)
    }

    struct Pending {
        var waiter: Waiter
        var endpoint: String
        var deadline: UInt64
    }

    private let security: ClientSecurity
    private let maxMessageBytes: Int64
    private var connections: [String: Socket] = [:]
    /// Keyed by the sequence number in the request id (the id is our prefix + that number).
    var pending: [UInt64: Pending] = [:]
    private let nextSequence = Atomic<UInt64>(0)
    private let idPrefix: [UInt8]
    private var sweeper: Task<Void, Never>?
    private(set) var closed = false

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
    nonisolated(nonsending) public func send(to endpoint: String, method: String, metadata: RequestMetadata = RequestMetadata(),
                                             body: [UInt8], attachments: [[UInt8]] = [], timeout: Duration = .seconds(5)) async throws -> Outcome {
        let request = makeRequest(to: endpoint, method: method, metadata: metadata, body: body, attachments: attachments, timeout: timeout)
        let budget = timeout.nanoseconds
        return try await withCheckedThrowingContinuation { continuation in
            onLoop { client in
                if let failure = client.dispatch(request, budget: budget, waiter: .caller(continuation)) {
                    continuation.resume(throwing: failure)
                }
            }
        }
    }

    /// Number of requests waiting for a reply.
    public var inFlight: Int { pending.count }

    /// Drops the connection to an endpoint (its instance went away); its pending requests fail `unavailable`.
    public func disconnect(_ endpoint: String) {
        guard let socket = connections.removeValue(forKey: endpoint) else { return }
        loop.release(socket)
        for (sequence, request) in pending where request.endpoint == endpoint {
            pending.removeValue(forKey: sequence)
            complete(request, .failure(RPCError(.unavailable, "\(endpoint) disconnected")))
        }
    }

    /// Fails every pending request and closes every socket.
    public func shutdown() {
        closed = true
        for endpoint in Array(connections.keys) { disconnect(endpoint) }
        sweeper?.cancel()
        sweeper = nil
    }

    // MARK: caller side

    /// Builds a request's frames with a fresh id (any thread).
    nonisolated func makeRequest(to endpoint: String, method: String, metadata: RequestMetadata, body: [UInt8],
                                 attachments: [[UInt8]], timeout: Duration) -> Request {
        makeRequest(to: endpoint, method: method, encodedMetadata: Self.frame(metadata, timeout: timeout), body: body, attachments: attachments)
    }

    /// Same, with frame 4 already written (a pipeline writes equal metadata once).
    nonisolated func makeRequest(to endpoint: String, method: String, encodedMetadata: [UInt8], body: [UInt8],
                                 attachments: [[UInt8]]) -> Request {
        let sequence = nextSequence.add(1, ordering: .relaxed).newValue
        var requestID = idPrefix
        withUnsafeBytes(of: sequence.bigEndian) { requestID.append(contentsOf: $0) }
        return Request(endpoint: endpoint, sequence: sequence,
                       frames: Envelope.request(requestID: requestID, method: method, metadata: encodedMetadata,
                                                body: body, attachments: attachments))
    }

    /// Frame 4: the metadata, with the caller's deadline when it gave none.
    static func frame(_ metadata: RequestMetadata, timeout: Duration) -> [UInt8] {
        var metadata = metadata
        if metadata.deadlineMilliseconds == nil { metadata.deadlineMilliseconds = Int(timeout.milliseconds) }
        return metadata.encoded()
    }

    /// Runs `work` isolated to this client on the loop: right here when the caller is on the loop.
    nonisolated func onLoop(_ work: @escaping @Sendable (isolated RPCClient) -> Void) {
        let run: @Sendable () -> Void = { self.assumeIsolated { work($0) } }
        if loop.isCurrent { run() } else { loop.execute(run) }
    }

    // MARK: loop side

    /// Sends `request` and remembers who waits for its reply; returns the reason instead when it
    /// could not be sent (the waiter is then not registered).
    func dispatch(_ request: Request, budget: UInt64, waiter: Waiter) -> RPCError? {
        if let failure = transmit(request) { return failure }
        pending[request.sequence] = Pending(waiter: waiter, endpoint: request.endpoint, deadline: Monotonic.nanoseconds() + budget)
        startSweeperIfNeeded()
        return nil
    }

    /// Hands the frames to libzmq; the reason when it could not.
    private func transmit(_ request: Request) -> RPCError? {
        guard !closed else { return RPCError(.unavailable, "client closed") }
        let endpoint = request.endpoint
        do {
            guard try connection(to: endpoint).send(request.frames) else {
                return RPCError(.unavailable, "antrean penuh ke \(endpoint) (queue full)")
            }
            return nil
        } catch let error as RPCError {
            return error
        } catch {
            return RPCError(.unavailable, "tidak dapat mengirim ke \(endpoint): \(error)")
        }
    }

    /// Delivers a result to whoever waits for it.
    private func complete(_ entry: Pending, _ result: Result<Outcome, RPCError>) {
        switch entry.waiter {
        case .caller(let continuation): continuation.resume(with: result.mapError { $0 as any Error })
        case .pipeline(let pipeline, let index): pipelineCompleted(pipeline, index, result)
        }
    }

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
                  let sequence = sequence(of: frames[2]), let entry = pending.removeValue(forKey: sequence) else { continue }
            var outcome = Outcome(body: frames[4], attachments: Array(frames.dropFirst(5)))
            outcome.isError = frames[3] == Envelope.error
            complete(entry, .success(outcome))
        }
    }

    /// The sequence number of one of our request ids, or nil for an id we did not make.
    private func sequence(of requestID: [UInt8]) -> UInt64? {
        guard requestID.count == idPrefix.count + 8, requestID.starts(with: idPrefix) else { return nil }
        return requestID[idPrefix.count...].reduce(0) { $0 << 8 | UInt64($1) }
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
        for (sequence, entry) in pending where entry.deadline <= now {
            pending.removeValue(forKey: sequence)
            complete(entry, .failure(RPCError(.deadlineExceeded, "tidak ada jawaban dari \(entry.endpoint) dalam batas waktu")))
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
