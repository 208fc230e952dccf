import Bus
import Foundation
import ServiceKit
import Sodium
import Store
import Support

/// One row of `accounts`: a citizen (logs in with the NIK) or a staff member (with a username).
struct Account: Sendable {
    enum Kind: String, Sendable {
        case citizen
        case staff
    }

    var id: String
    var kind: Kind
    var role: Role
    var nik: String?
    var username: String?
    var name: String
    var birthDate: String?
    var sex: String?
    var agency: String?
    var region: String?
    var passwordHash: String
    var assurance: String
    var flags: [String]
    var verification: Verification?
    var status: String
    var createdAt: Date
    /// Wrong passwords since the last success or unlock (``DelayRule`` forgets them after a quiet time).
    var loginFailures: FailureRecord
    /// The current window of wrong passwords (``BurstRule``).
    var failureBurst: BurstRecord

    static let columns = """
        id, kind, role, nik, username, name, birth_date, sex, agency, region, password_hash, assurance, flags,
        verified_at, verified_by, verification_method, verification_note, status, created_at, failed_logins, last_failed_at,
        failure_burst_start, failure_burst_count, failure_burst_alerted
        """

    init(id: String, kind: Kind, role: Role, nik: String? = nil, username: String? = nil, name: String, birthDate: String? = nil,
         sex: String? = nil, agency: String? = nil, region: String? = nil, passwordHash: String, assurance: String,
         flags: [String] = [], createdAt: Date) {
        self.id = id
        self.kind = kind
        self.role = role
        self.nik = nik
        self.username = username
        self.name = name
        self.birthDate = birthDate
        self.sex = sex
        self.agency = agency
        self.region = region
        self.passwordHash = passwordHash
        self.assurance = assurance
        self.flags = flags
        self.status = "active"
        self.createdAt = createdAt
        self.loginFailures = .none
        self.failureBurst = BurstRecord()
    }

    init(row: Row) {
        id = row.string("id") ?? ""
        kind = Kind(rawValue: row.string("kind") ?? "") ?? .citizen
        role = Role(rawValue: row.string("role") ?? "") ?? .citizen
        nik = row.string("nik")
        username = row.string("username")
        name = row.string("name") ?? ""
        birthDate = row.string("birth_date")
        sex = row.string("sex")
        agency = row.string("agency")
        region = row.string("region")
        passwordHash = row.string("password_hash") ?? ""
        assurance = row.string("assurance") ?? "unverified"
        flags = (try? JSON.decode([String].self, from: Array((row.string("flags") ?? "[]").utf8))) ?? []
        if let at = row.double("verified_at") {
            verification = Verification(method: row.string("verification_method") ?? "", by: row.string("verified_by") ?? "",
                                        at: CloudEvent.format(Date(timeIntervalSince1970: at)), note: row.string("verification_note"))
        }
        status = row.string("status") ?? "active"
        createdAt = Date(timeIntervalSince1970: row.double("created_at") ?? 0)
        loginFailures = FailureRecord(failures: row.int("failed_logins") ?? 0,
                                      last: row.double("last_failed_at").map { Date(timeIntervalSince1970: $0) })
        failureBurst = BurstRecord(start: row.double("failure_burst_start").map { Date(timeIntervalSince1970: $0) },
                                   failures: row.int("failure_burst_count") ?? 0, alerted: (row.int("failure_burst_alerted") ?? 0) != 0)
    }

    /// A new random account id: `c` (citizen) or `s` (staff) and 20 hex digits.
    static func newID(_ kind: Kind) -> String {
        (kind == .citizen ? "c" : "s") + Hex.encode(Random.bytes(10))
    }

    // MARK: reading

    static func find(_ db: Database, id: String) throws -> Account? {
        try db.queryOne("SELECT \(columns) FROM accounts WHERE id = ?", [.text(id)]).map(Account.init(row:))
    }

    static func find(_ db: Database, nik: String) throws -> Account? {
        try db.queryOne("SELECT \(columns) FROM accounts WHERE nik = ?", [.text(nik)]).map(Account.init(row:))
    }

    static func find(_ db: Database, username: String) throws -> Account? {
        try db.queryOne("SELECT \(columns) FROM accounts WHERE username = ?", [.text(username)]).map(Account.init(row:))
    }

    /// The account named by `sub` or `nik` (exactly one given), or `not_found`.
    static func require(_ db: Database, _ ref: CitizenRef) throws -> Account {
        let found = try ref.sub.map { try find(db, id: $0) } ?? ref.nik.map { try find(db, nik: $0.filter(\.isNumber)) } ?? nil
        guard let found else { throw RPCError(.notFound, "akun tidak ditemukan (no such account)") }
        return found
    }

    // MARK: writing

    /// Inserts the account; `already_exists` when its NIK or username is taken.
    func insert(_ db: Database, createdBy: String?) throws {
        do {
            try db.run("""
                INSERT INTO accounts (id, kind, role, nik, username, name, birth_date, sex, agency, region, password_hash,
                                      assurance, flags, status, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(id), .text(kind.rawValue), .text(role.rawValue), SQLValue(nik), SQLValue(username), .text(name),
                      SQLValue(birthDate), SQLValue(sex), SQLValue(agency), SQLValue(region), .text(passwordHash), .text(assurance),
                      .text(String(decoding: (try? JSON.encode(flags)) ?? Array("[]".utf8), as: UTF8.self)), .text(status),
                      .real(createdAt.timeIntervalSince1970), SQLValue(createdBy)])
        } catch let error as StoreError where error.isConstraintViolation {
            throw nik != nil
                ? RPCError(.alreadyExists, "NIK sudah terdaftar (NIK already registered)", details: ["fields": ["nik": "sudah terdaftar"]])
                : RPCError(.alreadyExists, "nama pengguna sudah dipakai (username taken)", details: ["fields": ["username": "sudah dipakai"]])
        }
    }

    /// Stores the account's failure records (the login rules computed them from the stored ones).
    static func saveLoginFailures(_ db: Database, id: String, _ failures: FailureRecord, _ burst: BurstRecord) throws {
        try db.run("""
            UPDATE accounts SET failed_logins = ?, last_failed_at = ?, failure_burst_start = ?, failure_burst_count = ?,
                                failure_burst_alerted = ? WHERE id = ?
            """, [.integer(Int64(failures.failures)), failures.last.map { .real($0.timeIntervalSince1970) } ?? .null,
                  burst.start.map { .real($0.timeIntervalSince1970) } ?? .null, .integer(Int64(burst.failures)), .integer(burst.alerted ? 1 : 0),
                  .text(id)])
    }

    /// Clears the failures that make logins wait (the alert window stays: it is about the attack).
    static func clearFailedLogins(_ db: Database, id: String) throws {
        try db.run("UPDATE accounts SET failed_logins = 0, last_failed_at = NULL WHERE id = ? AND failed_logins > 0", [.text(id)])
    }

    static func setPasswordHash(_ db: Database, id: String, hash: String) throws {
        try db.run("UPDATE accounts SET password_hash = ? WHERE id = ?", [.text(hash), .text(id)])
    }

    // MARK: views

    /// The account as shown to its holder and to staff.
    func view(profile: Profile) -> AccountView {
        AccountView(sub: id, kind: kind.rawValue, role: role, name: name, nik: nik, username: username, birth_date: birthDate,
                    sex: sex, agency: agency, region: region, assurance: assurance, flags: flags, verification: verification,
                    profile: profile, created_at: CloudEvent.format(createdAt))
    }

    /// The claims of a new access token for this account.
    func claims(issuedAt: Date, lifetime: TimeInterval) -> AccessClaims {
        AccessClaims(sub: id, role: role, agency: agency, region: region, issuedAt: issuedAt, lifetime: lifetime,
                     verified: kind == .citizen ? assurance == "verified" : nil, name: name)
    }
}
