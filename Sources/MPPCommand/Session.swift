import Bus
import Foundation
import Identity
import ServiceKit
import Support
#if canImport(Glibc)
import Glibc
#endif

/// The login `mpp login` keeps: `$XDG_CONFIG_HOME/mpp/session.json` (else
/// `~/.config/mpp/session.json`), mode 0600 in a folder of mode 0700. Holds the access and
/// refresh tokens, never the password.
struct Session: Codable, Sendable {
    var sub: String
    var role: Role
    var name: String?
    var access_token: String
    var expires_at: Int
    var refresh_token: String
    var refresh_expires_at: Int

    init(_ pair: TokenPair, name: String?) {
        sub = pair.sub
        role = pair.role
        self.name = name
        access_token = pair.access_token
        expires_at = pair.expires_at
        refresh_token = pair.refresh_token
        refresh_expires_at = pair.refresh_expires_at
    }

    /// The session file for this environment.
    static func path(_ environment: Environment) -> String {
        let base = environment.optional("XDG_CONFIG_HOME")
            ?? ((environment.optional("HOME") ?? NSHomeDirectory()) as NSString).appendingPathComponent(".config")
        return (base as NSString).appendingPathComponent("mpp/session.json")
    }

    static func load(_ environment: Environment) -> Session? {
        guard let data = FileManager.default.contents(atPath: path(environment)) else { return nil }
        return try? JSON.decode(Session.self, from: Array(data))
    }

    /// Writes the session atomically with owner-only permissions.
    func save(_ environment: Environment) throws {
        let file = Self.path(environment)
        let folder = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder)
        let temporary = file + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(try JSON.encode(self)),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw UsageError("cannot write \(temporary)")
        }
        guard rename(temporary, file) == 0 else {
            unlink(temporary)
            throw UsageError("cannot write \(file): \(String(cString: strerror(errno)))")
        }
    }

    static func remove(_ environment: Environment) {
        try? FileManager.default.removeItem(atPath: path(environment))
    }

    /// Runs `body` holding an exclusive lock on the session (two `mpp` processes refreshing at
    /// once would present the same refresh token twice, which identity treats as theft).
    static func locked<T>(_ environment: Environment, _ body: () async throws -> T) async throws -> T {
        let lockPath = path(environment) + ".lock"
        try FileManager.default.createDirectory(atPath: (lockPath as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let descriptor = open(lockPath, O_CREAT | O_RDWR, 0o600)
        guard descriptor >= 0 else { return try await body() }
        defer { close(descriptor) }
        flock(descriptor, LOCK_EX)
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }
}

/// The access token commands send: `--token`, else `MPP_TOKEN`, else the stored session —
/// refreshed first when it expires within a minute (the refreshed session is saved).
enum SessionToken {
    static func resolve(_ arguments: Arguments, _ context: CommandContext, _ stack: ClientStack) async throws -> String? {
        if let token = arguments.option("token") ?? context.environment.optional("MPP_TOKEN") { return token }
        return try await stored(context, stack)
    }

    /// The stored session's access token, refreshed when needed; nil when not logged in.
    static func stored(_ context: CommandContext, _ stack: ClientStack) async throws -> String? {
        let environment = context.environment
        guard let session = Session.load(environment) else { return nil }
        if !expiresSoon(session, now: context.clock.now()) { return session.access_token }
        return try await Session.locked(environment) {
            // Another process may have refreshed while we waited for the lock.
            guard var current = Session.load(environment) else { return nil }
            if !expiresSoon(current, now: context.clock.now()) { return current.access_token }
            let pair: TokenPair
            do {
                pair = try await stack.client.call("identity.refresh", RefreshRequest(refresh_token: current.refresh_token), as: TokenPair.self,
                                                   options: CallOptions(idempotencyKey: UUID().uuidString))
            } catch let error as RPCError where error.code == .unauthenticated {
                Session.remove(environment)
                throw UsageError("your session has ended (\(error.message)): mpp login")
            } catch {
                // Identity unreachable: send the old token and let the service answer (public
                // methods still work; others say the token expired).
                return current.access_token
            }
            current = Session(pair, name: current.name)
            try current.save(environment)
            return current.access_token
        }
    }

    static func expiresSoon(_ session: Session, now: Date) -> Bool {
        Double(session.expires_at) - now.timeIntervalSince1970 < 60
    }

    /// The stored session's token, or a usage error telling to log in.
    static func required(_ arguments: Arguments, _ context: CommandContext, _ stack: ClientStack) async throws -> String {
        guard let token = try await resolve(arguments, context, stack) else { throw UsageError("not logged in: mpp login NIK|USERNAME") }
        return token
    }
}
