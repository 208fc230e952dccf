import Bus
import ServiceKit

/// Who owns a registration (see `LeaseTable`), and whether the caller may register as the
/// service it names.
///
/// - CURVE mode: the caller is the ZAP-verified key name. It may register service `S` only when
///   `ServiceKeyNames.may(caller, serve: S)`, and only with its own public key; it owns the
///   instance ids it registers (a restarted process holding the same key takes its id back).
/// - Plain mode (one trusted host): registrations are unauthenticated. An instance that sent a
///   `lease_token` owns its id through that token; one that sent none can be taken by anyone.
struct LeaseOwners: Sendable {
    let keys: KeyRing?

    /// The owner of a new or renewed registration, or `permission_denied`.
    func owner(registering request: RegistryAPI.Register, _ context: RequestContext) throws -> String? {
        guard let keys else { return request.lease_token.map { "token:" + $0 } }
        let caller = try curveCaller(context)
        guard ServiceKeyNames.may(caller, serve: request.service) else {
            context.logger.warning("registration refused: key may not serve this service",
                                   ["caller": .string(caller), "service": .string(request.service), "instance": .string(request.instance)])
            throw RPCError(.permissionDenied, "kunci \(caller) tidak boleh mendaftar sebagai \(request.service) (key may not serve this service)",
                           details: ["fields": .object(["service": .string("tidak diizinkan untuk kunci ini (not allowed for this key)")])])
        }
        guard let own = keys.publicKey(named: caller)?.z85, request.public_key == own else {
            context.logger.warning("registration refused: public key is not the caller's",
                                   ["caller": .string(caller), "service": .string(request.service), "instance": .string(request.instance)])
            throw RPCError(.permissionDenied, "public_key harus kunci pemanggil sendiri (must be the caller's own key)",
                           details: ["fields": .object(["public_key": .string("bukan kunci pemanggil (not the caller's key)")])])
        }
        return "key:" + caller
    }

    /// The owner a heartbeat or deregistration speaks for.
    func owner(of reference: RegistryAPI.InstanceRef, _ context: RequestContext) throws -> String? {
        guard keys != nil else { return reference.lease_token.map { "token:" + $0 } }
        return "key:" + (try curveCaller(context))
    }

    private func curveCaller(_ context: RequestContext) throws -> String {
        guard let caller = context.caller, !caller.isEmpty else {
            throw RPCError(.permissionDenied, "hanya kunci CURVE yang terdaftar (allow-listed CURVE keys only)")
        }
        return caller
    }

    /// What is wrong with a lease token, if anything.
    static func problem(_ token: String?) -> String? {
        guard let token else { return nil }
        let printable = token.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
        return (16...128).contains(token.utf8.count) && printable ? nil : "harus 16–128 karakter ASCII tanpa spasi (16–128 printable ASCII characters)"
    }
}
