import Bus

/// Registration with the roles allowed to call a method (PROTOCOL §6): the bus checks the
/// caller's token against them before the body is decoded, so a caller outside them gets
/// `unauthenticated` or `permission_denied` and never hears about the body's shape. Scope
/// (which agency, which kab/kota, whose application) stays the handler's to check.
///
///     host.methods.on("catalog.services.upsert", .command, roles: [.ops]) { … }
///     host.methods.on("notifications.inbox", roles: Role.signedIn) { … }
extension MethodTable {
    /// Registers a typed handler that only callers with one of `roles` reach.
    public func on<Body: Decodable & Sendable, Result: Encodable & Sendable>(
        _ method: String, _ options: MethodOptions = .query, roles: Set<Role>,
        _ handler: @escaping @Sendable (Body, RequestContext) async throws -> Result
    ) {
        on(method, options, allowing: Role.names(roles), handler)
    }

    /// Registers a typed handler with attachments that only callers with one of `roles` reach.
    public func on<Body: Decodable & Sendable, Result: Encodable & Sendable>(
        _ method: String, _ options: MethodOptions = .query, roles: Set<Role>,
        _ handler: @escaping @Sendable (Body, RequestContext) async throws -> Attached<Result>
    ) {
        on(method, options, allowing: Role.names(roles), handler)
    }
}

extension Role {
    /// Every role: any caller with a valid token.
    public static let signedIn = Set(Role.allCases)

    /// Every staff role.
    public static let staff = Set(Role.allCases.filter(\.isStaff))

    static func names(_ roles: Set<Role>) -> Set<String> { Set(roles.map(\.rawValue)) }
}
