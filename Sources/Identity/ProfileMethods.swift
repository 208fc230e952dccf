import Bus
import Domain
import Foundation
import ServiceKit
import Support

/// `identity.me`, `identity.profile.update`, `identity.profile.get`.
extension IdentityService {
    func registerProfileMethods() {
        host.methods.on("identity.me", roles: Role.signedIn) { [unowned self] (_: Empty, context: RequestContext) in
            let (account, profile) = try await self.account(of: try self.host.auth.claims(context))
            return account.view(profile: profile)
        }
        host.methods.on("identity.profile.update", .command, roles: Role.signedIn) { [unowned self] (request: ProfileUpdate, context: RequestContext) in
            try await self.updateProfile(request, context)
        }
        // No roles: in CURVE mode a profile reader service calls without a token (see `profile`).
        host.methods.on("identity.profile.get") { [unowned self] (request: ProfileRequest, context: RequestContext) in
            try await self.profile(request, context)
        }
    }

    func updateProfile(_ update: ProfileUpdate, _ context: RequestContext) async throws -> AccountView {
        let claims = try host.auth.claims(context)
        if let village = update.address.flatMap({ RegionCode($0.village_code) }), village.level == .village {
            try await requireRegion(village.value, field: "address.village_code", what: "desa/kelurahan")
        }
        let now = host.clock.now()
        let stream = host.configuration.stream
        let saved = try await host.store.write { db -> (Account, Profile)? in
            guard let account = try Account.find(db, id: claims.sub) else { return nil }
            let current = try ProfileStore.load(db, accountID: account.id)
            switch ProfileRules.apply(update, to: current) {
            case .success(let profile):
                try ProfileStore.save(db, accountID: account.id, profile, at: now)
                // Notifications learn how the person wants to be reached (asked once, here).
                try Outbox.append(db, stream: stream, type: "identity.profile_updated",
                                  data: IdentityEvents.ProfileUpdated(sub: account.id, phone: profile.phone, email: profile.email,
                                                                      language: profile.preferred_language, channels: profile.preferred_channels),
                                  time: now, traceID: context.traceID, subject: account.id)
                return (account, profile)
            case .failure(let problems):
                throw RPCError.invalid(problems.fields)
            }
        }
        guard let (account, profile) = saved else { throw RPCError(.unauthenticated, "akun tidak ada lagi (account no longer exists)") }
        return account.view(profile: profile)
    }

    /// A citizen's account and profile for prefilling forms. Allowed to: the citizen themself,
    /// staff as for `identity.citizens.get` by `sub`, and — in CURVE mode — the services named
    /// in `MPP_PROFILE_READERS` (the connection's key name proves which service calls; in plain
    /// mode there is no such proof, so services pass a staff or the citizen's token).
    func profile(_ request: ProfileRequest, _ context: RequestContext) async throws -> AccountView {
        if let caller = context.caller, settings.profileReaders.contains(caller) {
            let (account, profile) = try await citizenRecord(CitizenRef(sub: request.sub))
            return account.view(profile: profile)
        }
        let claims = try host.auth.claims(context)
        if claims.sub == request.sub {
            let (account, profile) = try await self.account(of: claims)
            return account.view(profile: profile)
        }
        guard claims.role.isStaff else {
            throw RPCError(.permissionDenied, "hanya profil Anda sendiri (your own profile only)")
        }
        return try await citizen(CitizenRef(sub: request.sub), readableBy: claims)
    }
}
