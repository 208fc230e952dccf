import Bus
import Foundation
import ServiceKit
import Store
import Support

/// `identity.staff.create`, `identity.keys`, `identity.keys.rotate`.
extension IdentityService {
    func registerStaffMethods() {
        host.methods.on("identity.staff.create", .command, roles: Self.staffCreators) { [unowned self] (request: CreateStaff, context: RequestContext) in
            try await self.createStaff(request, context)
        }
        host.methods.inline("identity.keys") { [unowned self] (_: Empty, _: RequestContext) in
            IdentityKeys(keys: self.keys.published)
        }
        host.methods.on("identity.keys.rotate", .command, roles: [.ops]) { [unowned self] (_: Empty, context: RequestContext) in
            let claims = try self.host.auth.claims(context)
            let key = try await self.keys.rotate()
            try self.publishVerificationKeys()
            let published = self.keys.published
            context.logger.info("signing key rotated", ["kid": .string(key.id), "by": .string(claims.sub)])
            return KeysRotated(current: key.id, published: published.map(\.id))
        }
    }

    /// Who may create staff accounts (each only below themselves: `StaffPolicy`).
    static let staffCreators: Set<Role> = [.ops, .mppAdmin, .supervisor]

    func createStaff(_ request: CreateStaff, _ context: RequestContext) async throws -> AccountView {
        let creator = try host.auth.claims(context)
        let staff = try valid(StaffPolicy.validate(request))
        if let reason = StaffPolicy.refusal(creator: creator, staff: staff) {
            throw RPCError(.permissionDenied, reason)
        }
        let profile = try valid(StaffAccounts.contact(phone: request.phone, email: request.email))
        if let region = staff.region {
            try await requireRegion(region, field: "region", what: "kabupaten/kota")
        }
        let hash = try await hasher.hash(request.password)
        let account = StaffAccounts.account(staff, passwordHash: hash, now: host.clock.now())
        try await host.store.write { db in try StaffAccounts.insert(account, profile: profile, createdBy: creator.sub, db) }
        context.logger.info("staff created", ["sub": .string(account.id), "role": .string(staff.role.rawValue), "by": .string(creator.sub)])
        return account.view(profile: profile)
    }
}

/// Building and storing staff accounts: shared by `identity.staff.create` and the local
/// bootstrap of the first `ops` account.
enum StaffAccounts {
    static func account(_ staff: ValidStaff, passwordHash: String, now: Date) -> Account {
        Account(id: Account.newID(.staff), kind: .staff, role: staff.role, username: staff.username, name: staff.name,
                agency: staff.agency, region: staff.region, passwordHash: passwordHash, assurance: "verified", createdAt: now)
    }

    /// The profile of a new staff account from its optional contact fields.
    static func contact(phone: String?, email: String?) -> Result<Profile, FieldProblems> {
        var check = FieldCheck()
        let phone = phone.flatMap { check.take("phone", FieldRules.phone($0)) }
        let email = email.flatMap { check.take("email", FieldRules.email($0)) }
        guard check.isEmpty else { return .failure(FieldProblems(fields: check.problems)) }
        return .success(ProfileRules.initial(phone: phone, email: email))
    }

    static func insert(_ account: Account, profile: Profile, createdBy: String?, _ db: Database) throws {
        try account.insert(db, createdBy: createdBy)
        try ProfileStore.save(db, accountID: account.id, profile, at: account.createdAt)
    }
}
