import Bus
import Foundation
import ServiceKit
import Sodium
import Store
import Support

/// Creates the first `ops` account by opening identity's store file directly: whoever runs it
/// needs access to the service's data folder, not a network path (`mpp admin bootstrap`).
/// Safe while the service runs (SQLite locking); the service sees the account at the next login.
public enum IdentityBootstrap {
    /// Why the bootstrap did nothing.
    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    /// The store file of identity in `dataDirectory`.
    public static func databasePath(dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("\(IdentityService.name).db")
    }

    /// Creates the ops account `username`. Refuses when an ops account exists, unless `force`:
    /// then another ops account is added, or — if `username` is already an ops account — its
    /// password is replaced (recovery) and its failed-login count cleared.
    /// - Throws: `RPCError` (`invalid_argument`) for bad fields, ``Refused`` otherwise.
    public static func createOperator(dataDirectory: String, username: String, name: String, password: String, force: Bool,
                                      parameters: PasswordHash.Parameters = .interactive,
                                      clock: any Support.Clock = SystemClock()) async throws -> AccountView {
        let request = CreateStaff(username: username, name: name, password: password, role: .ops)
        let staff: ValidStaff
        switch StaffPolicy.validate(request) {
        case .success(let valid): staff = valid
        case .failure(let problems): throw RPCError.invalid(problems.fields)
        }
        let hash = try PasswordHash.hash(password, parameters: parameters)
        let store = try Store(path: databasePath(dataDirectory: dataDirectory), migrations: IdentitySchema.migrations, readers: 1)
        defer { store.close() }
        let account = StaffAccounts.account(staff, passwordHash: hash, now: clock.now())
        let profile = ProfileRules.initial(phone: nil, email: nil)
        return try await store.write { db -> AccountView in
            let operators = try db.query("SELECT username FROM accounts WHERE role = 'ops' ORDER BY created_at").compactMap { $0.string("username") }
            if !operators.isEmpty && !force {
                throw Refused(description: "an ops account already exists (\(operators.joined(separator: ", "))); use --force to add another or reset one")
            }
            if let existing = try Account.find(db, username: staff.username) {
                guard force, existing.role == .ops else {
                    throw Refused(description: "username \(staff.username) is taken by a \(existing.role.rawValue) account")
                }
                try Account.setPasswordHash(db, id: existing.id, hash: hash)
                try Account.clearFailedLogins(db, id: existing.id)
                return existing.view(profile: try ProfileStore.load(db, accountID: existing.id))
            }
            try StaffAccounts.insert(account, profile: profile, createdBy: "bootstrap", db)
            return account.view(profile: profile)
        }
    }
}
