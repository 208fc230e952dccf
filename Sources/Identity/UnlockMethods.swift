import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support

/// `identity.citizens.unlock`: exactly one of `sub` or `nik`, and what the officer checked.
public struct UnlockCitizen: Codable, Sendable {
    public var sub: String?
    public var nik: String?
    /// Kept in the audit (`account_unlocks`): required, at most 500 characters.
    public var note: String

    public init(sub: String? = nil, nik: String? = nil, note: String) {
        self.sub = sub
        self.nik = nik
        self.note = note
    }
}

/// Reply of `identity.citizens.unlock`.
public struct UnlockReply: Codable, Sendable, Equatable {
    public var sub: String
    /// Wrong passwords the unlock cleared (0: nothing was making the account wait).
    public var failures_cleared: Int
    public var unlocked_by: String
    /// RFC 3339.
    public var unlocked_at: String
}

/// `identity.citizens.unlock`: at a counter, after checking the citizen's KTP-el, an officer or
/// supervisor of Disdukcapil or the MPP front desk, or an MPP admin (the verifiers), clears the
/// wrong passwords that make the account's logins wait. Audited in `account_unlocks` and logged.
extension IdentityService {
    func registerUnlockMethods() {
        host.methods.on("identity.citizens.unlock", .command, roles: Self.verifiers) { [unowned self] (request: UnlockCitizen, context: RequestContext) in
            try await self.unlock(request, context)
        }
    }

    func unlock(_ request: UnlockCitizen, _ context: RequestContext) async throws -> UnlockReply {
        let officer = try host.auth.claims(context)
        guard StaffPolicy.mayVerifyCitizens(officer) else {
            throw RPCError(.permissionDenied, "hanya petugas Disdukcapil atau front desk MPP yang dapat membuka akun (Disdukcapil or MPP front desk only)")
        }
        var check = FieldCheck()
        if (request.sub == nil) == (request.nik == nil) { check.add("sub", "isi sub atau nik, salah satu (exactly one of sub or nik)") }
        let note = check.take("note", FieldRules.text(request.note, limit: 500))
        if note?.isEmpty == true { check.add("note", "wajib: apa yang diperiksa, mis. KTP-el (required: what was checked, e.g. the KTP-el)") }
        try check.throwIfAny()

        let (account, _) = try await citizenRecord(CitizenRef(sub: request.sub, nik: request.nik))
        let now = host.clock.now()
        let cleared = try await host.store.write { db -> Int in
            let failures = try Account.find(db, id: account.id)?.loginFailures.failures ?? 0
            try Account.clearFailedLogins(db, id: account.id)
            try db.run("""
                INSERT INTO account_unlocks (account_id, failures_cleared, unlocked_by, agency, region, note, trace_id, unlocked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(account.id), .integer(Int64(failures)), .text(officer.sub), SQLValue(officer.agency), SQLValue(officer.region),
                      SQLValue(note), SQLValue(context.traceID), .real(now.timeIntervalSince1970)])
            return failures
        }
        context.logger.info("login delays cleared at a counter", [
            "sub": .string(account.id), "by": .string(officer.sub), "agency": .string(officer.agency ?? "-"),
            "failures_cleared": .number(Double(cleared))])
        return UnlockReply(sub: account.id, failures_cleared: cleared, unlocked_by: officer.sub, unlocked_at: CloudEvent.format(now))
    }
}
