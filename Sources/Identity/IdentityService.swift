import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support

/// The identity service: citizens and staff, logins and the Ed25519 access tokens every other
/// service verifies locally, the profile applications prefill from.
///
/// Methods are registered by topic in `SessionMethods.swift` (login, refresh, logout),
/// `CitizenMethods.swift` (register, verify, get), `ProfileMethods.swift` (me, profile),
/// `StaffMethods.swift` (staff, keys) and `UnlockMethods.swift` (unlock); the failed-login rules
/// around login in `LoginDefence.swift`.
/// Documented in services/identity/README.md.
public final class IdentityService: Sendable {
    public static let name = "identity"

    public let host: ServiceHost
    public let settings: IdentitySettings
    public let hasher: PasswordHasher
    public let keys: SigningKeys
    public let regions: RegionDirectory
    public let ikd: any IKDVerifier
    public let throttle: LoginThrottle

    /// Loads (or creates) the signing keys, restores the revocations of live tokens into the
    /// host's verifier and registers the methods on `host`.
    /// - Parameters:
    ///   - catalog: how to reach the catalog for region checks; by default through discovery.
    ///   - ikd: the national digital ID adapter; by default none (IKD checks are `unavailable`).
    public init(host: ServiceHost, settings: IdentitySettings, catalog: CatalogConnection? = nil,
                ikd: any IKDVerifier = IKDNotConfigured()) async throws {
        self.host = host
        self.settings = settings
        self.ikd = ikd
        hasher = PasswordHasher(parameters: settings.passwordParameters, concurrency: settings.hashConcurrency,
                                queueLimit: settings.hashQueueLimit)
        keys = try await SigningKeys(store: host.store, clock: host.clock, retention: settings.accessTokenLifetime + 300)
        regions = RegionDirectory(connection: catalog ?? .discovered(host.client), clock: host.clock,
                                  lifetime: settings.regionCacheLifetime)
        throttle = LoginThrottle(policy: settings.login)
        Self.restrictPermissions(of: host.configuration.databasePath)

        try publishVerificationKeys()
        let now = host.clock.now()
        let revoked = try await host.store.read { db in try TokenLedger.liveRevocations(db, now: now) }
        apply(revoked)

        registerSessionMethods()
        registerCitizenMethods()
        registerProfileMethods()
        registerStaffMethods()
        registerUnlockMethods()
        for variable in settings.retiredVariables {
            host.logger.warning("ignored: accounts are no longer locked, logins are delayed (services/identity/README.md)",
                                ["variable": .string(variable)])
        }
        host.hold(self)  // handlers hold the service unowned
        startPurging()
    }

    // MARK: shared helpers of the method files

    /// Makes the published keys this instance's own verification keys and pins them in the keys
    /// folder, where plain-mode services read them (`TokenKeyFile`).
    func publishVerificationKeys() throws {
        let published = keys.published
        host.auth.verifier.setKeys(published)
        try TokenKeyFile.write(published, directory: host.configuration.keysDirectory)
        host.logger.info("token verification keys published", ["kids": .array(published.map { .string($0.id) }),
                                                               "file": .string(TokenKeyFile.path(in: host.configuration.keysDirectory))])
    }

    /// The terms of token operations for a request arriving now.
    func terms(_ context: RequestContext) -> TokenTerms {
        TokenTerms(key: keys.current, now: host.clock.now(), accessLifetime: settings.accessTokenLifetime,
                   refreshLifetime: settings.refreshTokenLifetime, stream: host.configuration.stream, traceID: context.traceID)
    }

    /// Makes this instance's own verifier refuse revoked tokens at once (other services learn
    /// from `identity.token_revoked`).
    func apply(_ revocations: [TokenRevoked]) {
        for revocation in revocations {
            host.auth.verifier.revoke(jti: revocation.jti, until: Date(timeIntervalSince1970: TimeInterval(revocation.exp)))
        }
    }

    /// Today's date in WIB, for NIK and birth-date checks.
    var today: CivilDate { NIK.today(host.clock.now()) }

    /// Throws `invalid_argument` for field problems.
    func valid<T>(_ result: Result<T, FieldProblems>) throws -> T {
        switch result {
        case .success(let value): return value
        case .failure(let problems): throw RPCError.invalid(problems.fields)
        }
    }

    /// The account of the token's holder.
    func account(of claims: AccessClaims) async throws -> (Account, Profile) {
        let found = try await host.store.read { db -> (Account, Profile)? in
            guard let account = try Account.find(db, id: claims.sub) else { return nil }
            return (account, try ProfileStore.load(db, accountID: account.id))
        }
        guard let found else { throw RPCError(.unauthenticated, "akun tidak ada lagi (account no longer exists)") }
        return found
    }

    /// Requires that the region `code` exists in the current catalog; `invalid_argument` on
    /// `field` otherwise, `unavailable` when the catalog cannot say.
    func requireRegion(_ code: String, field: String, what: String) async throws {
        guard try await regions.region(code, historical: false) != nil else {
            throw RPCError.invalid([field: "\(what) \(code) tidak dikenal katalog (unknown region)"])
        }
    }

    // MARK: housekeeping

    private func startPurging() {
        let store = host.store, clock = host.clock, logger = host.logger
        let task = Task {
            while !Task.isCancelled {
                let cutoff = clock.now() - 86_400
                do {
                    try await store.write { db in try TokenLedger.purge(db, before: cutoff) }
                } catch {
                    logger.warning("token purge failed", ["error": .string("\(error)")])
                }
                try? await Task.sleep(for: .seconds(3_600))
            }
        }
        host.onShutdown { task.cancel() }
    }

    /// The store holds password hashes and signing-key seeds: owner-only permissions.
    private static func restrictPermissions(of path: String) {
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        }
    }
}
