import Foundation
import ServiceKit
import Sodium
import Support

/// Identity's own configuration (services/identity/README.md), on top of the shared
/// `ServiceConfiguration`. Every bad variable is reported at once.
public struct IdentitySettings: Sendable {
    /// `MPP_ACCESS_TOKEN_SECONDS`: lifetime of an access token (default 900 = 15 min).
    public var accessTokenLifetime: TimeInterval = 900
    /// `MPP_REFRESH_TOKEN_DAYS`: lifetime of a refresh token, renewed by each refresh (default 30).
    public var refreshTokenLifetime: TimeInterval = 30 * 86_400
    /// `MPP_ARGON2`: `interactive` (default: 2 passes, 64 MiB) or `minimum` (tests only).
    public var passwordParameters: PasswordHash.Parameters = .interactive
    /// `MPP_HASH_CONCURRENCY`: Argon2id hashes running at once (default: the number of cores).
    public var hashConcurrency: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// `MPP_HASH_QUEUE`: hashes waiting for a slot before `resource_exhausted` (default 256).
    public var hashQueueLimit: Int = 256
    /// Failed logins (services/identity/README.md, "Failed logins"): `MPP_LOGIN_FREE_FAILURES` (5)
    /// and `MPP_LOGIN_MAX_DELAY_SECONDS` (300) per account; `MPP_LOGIN_CALLER_FREE_FAILURES` (20)
    /// and `MPP_LOGIN_CALLER_MAX_DELAY_SECONDS` (300) per caller; `MPP_LOGIN_EXEMPT_CALLERS`
    /// (none): callers without the per-caller limit; `MPP_LOGIN_ALERT_FAILURES` (10, 0 = never)
    /// within `MPP_LOGIN_ALERT_MINUTES` (15) tell the account's owner.
    public var login = LoginPolicy()
    /// Variables of the old hard lockout that are still set (ignored; the service warns).
    public var retiredVariables: [String] = []
    /// `MPP_PROFILE_READERS`: CURVE key names of services allowed to read any profile with
    /// `identity.profile.get` (default `applications,notifications`).
    public var profileReaders: Set<String> = ["applications", "notifications"]
    /// `MPP_REGION_CACHE_SECONDS`: how long catalog answers about region codes are kept (default 3600;
    /// "no such region" answers are kept a tenth of that).
    public var regionCacheLifetime: TimeInterval = 3_600

    public init() {}

    /// Reads the settings from the environment.
    public static func fromEnvironment(_ environment: Environment = Environment()) throws -> IdentitySettings {
        var settings = IdentitySettings()
        var problems: [ConfigurationError] = []
        func read(_ body: () throws -> Void) {
            do { try body() } catch let error as ConfigurationError { problems.append(error) } catch {}
        }
        read { settings.accessTokenLifetime = TimeInterval(try environment.int("MPP_ACCESS_TOKEN_SECONDS", default: 900, range: 30...86_400)) }
        read { settings.refreshTokenLifetime = TimeInterval(try environment.int("MPP_REFRESH_TOKEN_DAYS", default: 30, range: 1...365)) * 86_400 }
        switch environment.string("MPP_ARGON2", default: "interactive") {
        case "interactive": settings.passwordParameters = .interactive
        case "minimum": settings.passwordParameters = .minimum
        case let other: problems.append(ConfigurationError(variable: "MPP_ARGON2", problem: "must be interactive or minimum, got \"\(other)\""))
        }
        read { settings.hashConcurrency = try environment.int("MPP_HASH_CONCURRENCY", default: settings.hashConcurrency, range: 1...256) }
        read { settings.hashQueueLimit = try environment.int("MPP_HASH_QUEUE", default: 256, range: 0...100_000) }
        read { settings.login.account.freeFailures = try environment.int("MPP_LOGIN_FREE_FAILURES", default: 5, range: 1...100) }
        read { settings.login.account.maximumDelay = TimeInterval(try environment.int("MPP_LOGIN_MAX_DELAY_SECONDS", default: 300, range: 1...3_600)) }
        read { settings.login.caller.freeFailures = try environment.int("MPP_LOGIN_CALLER_FREE_FAILURES", default: 20, range: 1...100_000) }
        read { settings.login.caller.maximumDelay = TimeInterval(try environment.int("MPP_LOGIN_CALLER_MAX_DELAY_SECONDS", default: 300, range: 1...86_400)) }
        settings.login.exemptCallers = Set(environment.list("MPP_LOGIN_EXEMPT_CALLERS", default: []))
        read { settings.login.burst.threshold = try environment.int("MPP_LOGIN_ALERT_FAILURES", default: 10, range: 0...10_000) }
        read { settings.login.burst.window = TimeInterval(try environment.int("MPP_LOGIN_ALERT_MINUTES", default: 15, range: 1...1_440)) * 60 }
        settings.retiredVariables = ["MPP_LOGIN_LOCK_FAILURES", "MPP_LOGIN_LOCK_MINUTES"].filter { environment.optional($0) != nil }
        read { settings.regionCacheLifetime = TimeInterval(try environment.int("MPP_REGION_CACHE_SECONDS", default: 3_600, range: 1...604_800)) }
        settings.profileReaders = Set(environment.list("MPP_PROFILE_READERS", default: ["applications", "notifications"]))
        if !problems.isEmpty { throw ConfigurationProblems(problems: problems) }
        return settings
    }
}

