import Foundation
import Support

/// Per-call settings.
public struct CallOptions: Sendable {
    public var token: String?
    /// Required for every mutating call: makes retries (ours and the caller's) act once.
    public var idempotencyKey: String?
    public var traceID: String?
    /// Budget of each attempt.
    public var timeout: Duration
    /// How many instances to try at most.
    public var attempts: Int
    /// Whether a timed-out request may be sent to another instance. Safe for queries and for
    /// calls with an idempotency key.
    public var retryOnTimeout: Bool
    public var attachments: [[UInt8]]

    public init(token: String? = nil, idempotencyKey: String? = nil, traceID: String? = nil, timeout: Duration = .seconds(5),
                attempts: Int = 3, retryOnTimeout: Bool = true, attachments: [[UInt8]] = []) {
        self.token = token
        self.idempotencyKey = idempotencyKey
        self.traceID = traceID
        self.timeout = timeout
        self.attempts = attempts
        self.retryOnTimeout = retryOnTimeout
        self.attachments = attachments
    }
}

/// Calls any service by method name: finds its instances through the directory, spreads calls
/// over them, and retries on another instance when one times out or is `unavailable`.
public final class ServiceClient: Sendable {
    public let rpc: RPCClient
    public let directory: ServiceDirectory
    private let turn = Mutexed<Int>(0)

    public init(rpc: RPCClient, directory: ServiceDirectory) {
        self.rpc = rpc
        self.directory = directory
    }

    /// Calls `method` (service = the part before the first dot) with a JSON body; decodes the
    /// result or throws the error reply as `RPCError`.
    public func call<Body: Encodable & Sendable, Result: Decodable & Sendable>(
        _ method: String, _ body: Body, as: Result.Type = Result.self, options: CallOptions = CallOptions()
    ) async throws -> Result {
        let outcome = try await callRaw(method, body: try JSON.encode(body), options: options)
        if let error = outcome.error { throw error }
        return try JSON.decode(Result.self, from: outcome.body)
    }

    /// Like `call`, returning the raw outcome (error replies included, attachments kept).
    public func callRaw(_ method: String, body: [UInt8], options: CallOptions = CallOptions()) async throws -> Outcome {
        let service = String(method.prefix { $0 != "." })
        let metadata = RequestMetadata(token: options.token, idempotencyKey: options.idempotencyKey,
                                       traceID: options.traceID ?? Self.newTraceID())
        var lastError = RPCError(.unavailable, "layanan \(service) tidak tersedia (no live instance)")
        var tried: Set<String> = []
        for _ in 0..<max(1, options.attempts) {
            let instances = await directory.instances(of: service).filter { !tried.contains($0.rpc) }
            guard !instances.isEmpty else { break }
            let target = instances[turn.update { value in value += 1; return value } % instances.count]
            tried.insert(target.rpc)
            do {
                let outcome = try await rpc.send(to: target.rpc, method: method, metadata: metadata, body: body,
                                                 attachments: options.attachments, timeout: options.timeout)
                guard outcome.error?.code == .unavailable else { return outcome }
                lastError = outcome.error!
            } catch let error as RPCError {
                lastError = error
                if error.code == .deadlineExceeded && !options.retryOnTimeout { throw error }
            }
            await directory.invalidate(service)
        }
        throw lastError
    }

    /// A new random trace id (16 hex digits).
    public static func newTraceID() -> String {
        String(UInt64.random(in: 1...UInt64.max), radix: 16)
    }
}
