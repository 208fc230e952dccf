import Foundation
import Support
import Synchronization

/// A raw handler: the request's body bytes in, an outcome out.
public typealias RawHandler = nonisolated(nonsending) @Sendable (RequestContext, [UInt8]) async throws -> Outcome

/// A handler answered synchronously on the I/O loop: no task, no thread hop, no allocation
/// beyond its own. For cheap in-memory answers only (microseconds, no I/O, no waiting on locks).
public typealias InlineHandler = @Sendable (RequestContext, [UInt8]) throws -> Outcome

/// How the bus treats a method.
public struct MethodOptions: Sendable {
    /// Changes state: results are remembered durably per idempotency key.
    public var mutating: Bool
    /// Cheap and non-blocking (microseconds, no I/O before its first `await`): the handler starts
    /// on the I/O loop itself, saving two thread hops per request. Never for handlers that hash
    /// passwords, parse large bodies or touch the disk synchronously.
    public var inline: Bool
    /// For a mutating method: the handler itself makes a retry with the same idempotency key act
    /// once and answer alike from its own data (a UNIQUE key column written in its transaction),
    /// and refuses a key reused for another request (`RequestContext.requestFingerprint`). The bus
    /// then leaves the key to it: no claim, no second write per request.
    public var handlesRetries: Bool
    public init(mutating: Bool = false, inline: Bool = false, handlesRetries: Bool = false) {
        self.mutating = mutating
        self.inline = inline
        self.handlesRetries = handlesRetries
    }
    public static let query = MethodOptions()
    public static let command = MethodOptions(mutating: true)
    /// A command whose handler keeps its own retries (see `handlesRetries`).
    public static let commandHandlingRetries = MethodOptions(mutating: true, handlesRetries: true)
    /// A cheap query answered on the I/O loop.
    public static let inlineQuery = MethodOptions(inline: true)
}

/// Checks that the caller of a method may call it at all, from the request's metadata alone (its
/// token), before the body is read: throws `unauthenticated` or `permission_denied`. `roles` are
/// the role names (PROTOCOL §6) the method was registered with.
public typealias RoleCheck = @Sendable (_ context: RequestContext, _ roles: Set<String>) throws -> Void

/// The methods a server answers, registered before it starts. Typed handlers decode their body
/// with field-level `invalid_argument` errors and encode their result as JSON.
///
/// A method registered with `allowing` role names is admitted by the table's `RoleCheck` before
/// its body is decoded, so a caller outside those roles learns nothing about the body's shape
/// (`permission_denied`, never `invalid_argument`). ServiceKit registers them as `roles: [.ops]`.
public final class MethodTable: Sendable {
    struct Entry: Sendable {
        var options: MethodOptions
        var handler: RawHandler
        /// Set for methods registered with `registerInline`/`inline`.
        var inline: InlineHandler?
        /// The role names allowed to call; nil: anyone (the handler decides).
        var roles: Set<String>?
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let roleCheck: RoleCheck?

    /// `roleCheck` admits callers of methods registered with roles; without one such methods refuse everybody.
    public init(roleCheck: RoleCheck? = nil) { self.roleCheck = roleCheck }

    /// Registers a raw handler.
    public func register(_ method: String, _ options: MethodOptions = .query, allowing roles: Set<String>? = nil,
                         handler: @escaping RawHandler) {
        entries.withLock { $0[method] = Entry(options: options, handler: handler, roles: roles) }
    }

    /// Registers a raw handler answered synchronously on the I/O loop (see `InlineHandler`).
    public func registerInline(_ method: String, allowing roles: Set<String>? = nil, handler: @escaping InlineHandler) {
        let entry = Entry(options: .inlineQuery, handler: { context, body in try handler(context, body) }, inline: handler, roles: roles)
        entries.withLock { $0[method] = entry }
    }

    /// Registers a typed handler answered synchronously on the I/O loop (see `InlineHandler`).
    public func inline<Body: Decodable & Sendable, Result: Encodable & Sendable>(
        _ method: String, allowing roles: Set<String>? = nil, _ handler: @escaping @Sendable (Body, RequestContext) throws -> Result
    ) {
        registerInline(method, allowing: roles) { context, bytes in
            Outcome(body: try JSON.encode(try handler(try Self.decodeBody(Body.self, bytes), context)))
        }
    }

    /// Registers a typed handler: `Body` decoded from JSON, `Result` encoded as JSON.
    public func on<Body: Decodable & Sendable, Result: Encodable & Sendable>(
        _ method: String, _ options: MethodOptions = .query, allowing roles: Set<String>? = nil,
        _ handler: @escaping @Sendable (Body, RequestContext) async throws -> Result
    ) {
        register(method, options, allowing: roles) { context, bytes in
            let body = try Self.decodeBody(Body.self, bytes)
            return Outcome(body: try JSON.encode(try await handler(body, context)))
        }
    }

    /// Registers a typed handler whose result carries attachments.
    public func on<Body: Decodable & Sendable, Result: Encodable & Sendable>(
        _ method: String, _ options: MethodOptions = .query, allowing roles: Set<String>? = nil,
        _ handler: @escaping @Sendable (Body, RequestContext) async throws -> Attached<Result>
    ) {
        register(method, options, allowing: roles) { context, bytes in
            let body = try Self.decodeBody(Body.self, bytes)
            let result = try await handler(body, context)
            return Outcome(body: try JSON.encode(result.body), attachments: result.attachments)
        }
    }

    func entry(_ method: String) -> Entry? { entries.withLock { $0[method] } }

    public var methods: [String] { entries.withLock { $0.keys.sorted() } }

    /// The role names a method was registered with (nil: open to anyone, or unknown).
    public func roles(of method: String) -> Set<String>? { entry(method)?.roles }

    /// Lets the caller through to `entry`'s handler, or throws what the role check says.
    func admit(_ entry: Entry, _ context: RequestContext) throws {
        guard let roles = entry.roles else { return }
        guard let roleCheck else {
            throw RPCError(.permissionDenied, "metode ini memerlukan peran, tetapi server tidak memeriksa token (no role check configured)")
        }
        try roleCheck(context, roles)
    }

    /// Decodes a request body, turning decoding failures into `invalid_argument` naming the fields.
    public static func decodeBody<Body: Decodable>(_ type: Body.Type, _ bytes: [UInt8]) throws -> Body {
        let bytes = bytes.isEmpty ? Envelope.emptyObject : bytes
        do {
            return try JSON.decode(Body.self, from: bytes)
        } catch let failure as JSONParser.Failure {
            throw RPCError.notJSON(failure)
        } catch let error as DecodingError {
            throw RPCError(decoding: error)
        }
    }
}
