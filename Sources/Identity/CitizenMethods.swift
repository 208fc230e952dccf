import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support

/// `identity.citizens.register`, `identity.citizens.verify`, `identity.citizens.get`.
extension IdentityService {
    func registerCitizenMethods() {
        host.methods.on("identity.citizens.register", .command) { [unowned self] (request: RegisterCitizen, context: RequestContext) in
            try await self.register(request, context)
        }
        host.methods.on("identity.citizens.verify", .command, roles: Self.verifiers) { [unowned self] (request: VerifyCitizen, context: RequestContext) in
            try await self.verify(request, context)
        }
        host.methods.on("identity.citizens.get", roles: Role.staff) { [unowned self] (request: CitizenRef, context: RequestContext) in
            try await self.citizen(request, readableBy: try self.host.auth.claims(context))
        }
    }

    func register(_ request: RegisterCitizen, _ context: RequestContext) async throws -> AccountView {
        let registration = try valid(RegistrationRules.validate(request, today: today))
        let nik = registration.nik
        guard try await regions.region(nik.districtCode, historical: true) != nil else {
            throw RPCError.invalid(["nik": "kode kecamatan \(nik.districtCode) (6 digit pertama) tidak dikenal (unknown district)"])
        }
        if try await host.store.read({ db in try Account.find(db, nik: nik.digits) }) != nil {
            throw RPCError(.alreadyExists, "NIK sudah terdaftar (NIK already registered)", details: ["fields": ["nik": "sudah terdaftar"]])
        }
        let hash = try await hasher.hash(registration.password)
        let now = host.clock.now()
        let account = Account(id: Account.newID(.citizen), kind: .citizen, role: .citizen, nik: nik.digits, name: registration.name,
                              birthDate: registration.birthDate.description, sex: nik.sex.rawValue, passwordHash: hash,
                              assurance: "unverified", flags: registration.flags, createdAt: now)
        let profile = ProfileRules.initial(phone: registration.phone, email: registration.email)
        let stream = host.configuration.stream
        try await host.store.write { db in
            try account.insert(db, createdBy: nil)
            try ProfileStore.save(db, accountID: account.id, profile, at: now)
            try Outbox.append(db, stream: stream, type: IdentityEvent.citizenRegistered,
                              data: CitizenRegisteredEvent(sub: account.id, district: nik.districtCode, flags: registration.flags),
                              time: now, traceID: context.traceID, subject: account.id)
        }
        context.logger.info("citizen registered", ["sub": .string(account.id), "nik": .string(nik.masked),
                                                    "flags": .array(registration.flags.map { .string($0) })])
        return account.view(profile: profile)
    }

    /// Who may verify a citizen's identity at a counter (further narrowed by `StaffPolicy`).
    static let verifiers: Set<Role> = [.officer, .supervisor, .mppAdmin]

    func verify(_ request: VerifyCitizen, _ context: RequestContext) async throws -> AccountView {
        let officer = try host.auth.claims(context)
        guard StaffPolicy.mayVerifyCitizens(officer) else {
            throw RPCError(.permissionDenied, "hanya petugas Disdukcapil atau front desk MPP yang dapat memverifikasi (Disdukcapil or MPP front desk only)")
        }
        var check = FieldCheck()
        if (request.sub == nil) == (request.nik == nil) { check.add("sub", "isi sub atau nik, salah satu (exactly one of sub or nik)") }
        if !["ktp_el", "ikd"].contains(request.method) { check.add("method", "ktp_el atau ikd") }
        let note = request.note.flatMap { check.take("note", FieldRules.text($0, limit: 500)) }
        try check.throwIfAny()

        let ref = CitizenRef(sub: request.sub, nik: request.nik)
        let (account, profile) = try await citizenRecord(ref)
        if account.assurance == "verified" { return account.view(profile: profile) }
        if account.flags.contains(RegistrationRules.birthDateMismatch) && request.birth_date_checked != true {
            throw RPCError(.failedPrecondition,
                           "tanggal lahir di NIK berbeda dengan yang didaftarkan: periksa KTP-el, lalu kirim birth_date_checked: true (birth date mismatch flagged)",
                           details: ["flags": .array(account.flags.map { .string($0) })])
        }
        var reference = note
        if request.method == "ikd" {
            guard let nik = account.nik, let birthDate = account.birthDate.flatMap({ CivilDate($0) }) else {
                throw RPCError(.failedPrecondition, "akun tanpa NIK (no NIK on the account)")
            }
            let answer = try await ikd.check(IKDQuery(nik: nik, name: account.name, birthDate: birthDate))
            guard answer.matches else {
                throw RPCError(.failedPrecondition, "data tidak cocok dengan IKD (the national register does not match)")
            }
            reference = answer.reference ?? note
        }
        let verificationNote = reference
        let now = host.clock.now(), stream = host.configuration.stream
        let event = CitizenVerifiedEvent(sub: account.id, method: request.method, by: officer.sub, agency: officer.agency, region: officer.region)
        try await host.store.write { db in
            let changed = try db.run("""
                UPDATE accounts SET assurance = 'verified', verified_at = ?, verified_by = ?, verification_method = ?, verification_note = ?
                WHERE id = ? AND assurance = 'unverified'
                """, [.real(now.timeIntervalSince1970), .text(officer.sub), .text(request.method), SQLValue(verificationNote), .text(account.id)])
            if changed > 0 {
                try Outbox.append(db, stream: stream, type: IdentityEvent.citizenVerified, data: event, time: now,
                                  traceID: context.traceID, subject: account.id)
            }
        }
        context.logger.info("citizen verified", ["sub": .string(account.id), "by": .string(officer.sub), "method": .string(request.method)])
        return try await citizenRecord(ref).0.view(profile: profile)
    }

    /// A citizen's account for staff. By NIK: any staff role (the citizen stands at the counter
    /// with the KTP-el). By `sub`: staff whose scope covers the citizen's region (address
    /// village, else NIK district).
    func citizen(_ ref: CitizenRef, readableBy claims: AccessClaims) async throws -> AccountView {
        guard (ref.sub == nil) != (ref.nik == nil) else {
            throw RPCError.invalid(["sub": "isi sub atau nik, salah satu (exactly one of sub or nik)"])
        }
        let (account, profile) = try await citizenRecord(ref)
        if ref.sub != nil {
            let region = profile.address?.village_code ?? account.nik.flatMap { RegionCode(String($0.prefix(6)))?.value } ?? ""
            guard AccessScope(claims).canRead(agency: nil, region: region) else {
                throw RPCError(.permissionDenied, "warga di luar wilayah Anda (citizen outside your region)")
            }
        }
        return account.view(profile: profile)
    }

    /// The citizen account and profile named by `ref`, or `not_found`.
    func citizenRecord(_ ref: CitizenRef) async throws -> (Account, Profile) {
        let found = try await host.store.read { db -> (Account, Profile) in
            let account = try Account.require(db, ref)
            return (account, try ProfileStore.load(db, accountID: account.id))
        }
        guard found.0.kind == .citizen else { throw RPCError(.notFound, "bukan akun warga (not a citizen account)") }
        return found
    }
}
