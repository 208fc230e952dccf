import Bus

extension Authenticator {
    /// Platform operators only: a token with role `ops`, or — in CURVE mode, where the caller's
    /// key name is known — one of `operatorKeys` (the `mpp` command line's key on the platform's
    /// own host). Anyone else gets `unauthenticated` or `permission_denied` as from `admit`.
    @discardableResult
    public func requireOperator(_ context: RequestContext, operatorKeys: Set<String>) throws -> String {
        if let caller = context.caller, operatorKeys.contains(caller) { return "key:" + caller }
        try admit(context, roleNames: [Role.ops.rawValue])
        return "sub:" + (try claims(context)).sub
    }
}
