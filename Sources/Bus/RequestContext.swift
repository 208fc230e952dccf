import Support

/// What a handler knows about the request it serves.
public struct RequestContext: Sendable {
    public var method: String
    public var metadata: RequestMetadata
    /// The ZAP user id of the connection (allow-listed key name) in CURVE mode, else nil.
    public var caller: String?
    /// Binary frames after the body (PROTOCOL §2 frame 6…), referred to from the body by index.
    public var attachments: [[UInt8]]
    /// Logger carrying the request's trace id.
    public var logger: Logger
    /// Monotonic nanoseconds when the request arrived.
    public var receivedAt: UInt64
    /// What tells this request apart from another one under the same idempotency key (method and
    /// body), when it carries a key: for handlers that keep their own retries.
    public var requestFingerprint: String?

    public var traceID: String? { metadata.traceID }
    public var token: String? { metadata.token }

    /// Whether the caller's `deadline_ms` has already passed.
    public var isPastDeadline: Bool {
        guard let budget = metadata.deadlineMilliseconds else { return false }
        // Any budget from outside is clamped before arithmetic: a day is more than any caller waits.
        return Monotonic.nanoseconds() > receivedAt + UInt64(min(max(0, budget), 86_400_000)) * 1_000_000
    }
}

/// A handler's result with attachments (frames 5… of the reply).
public struct Attached<Body: Encodable & Sendable>: Sendable {
    public var body: Body
    public var attachments: [[UInt8]]
    public init(_ body: Body, attachments: [[UInt8]]) {
        self.body = body
        self.attachments = attachments
    }
}

/// An empty JSON object body, `{}`.
public struct Empty: Codable, Sendable, Equatable {
    public init() {}
}
