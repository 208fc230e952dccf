/// Data of identity events other services consume (the contract with notifications).
public enum IdentityEvents {
    /// `identity.profile_updated`: how a person wants to be reached, as they said it once in
    /// their profile. Channels: any of `app` (the in-app inbox), `sms`, `whatsapp`, `email`.
    public struct ProfileUpdated: Codable, Sendable, Equatable {
        public var sub: String
        public var phone: String?
        public var email: String?
        public var language: String
        public var channels: [String]

        public init(sub: String, phone: String?, email: String?, language: String, channels: [String]) {
            self.sub = sub
            self.phone = phone
            self.email = email
            self.language = language
            self.channels = channels
        }
    }
}

extension IdentityEvents {
    /// `identity.login_attack_suspected`: an account saw a burst of wrong passwords (by default 10
    /// within 15 minutes), published once per window so that its owner is told. Never carries the
    /// passwords tried, the login typed or who tried.
    public struct LoginAttackSuspected: Codable, Sendable, Equatable {
        public static let type = "identity.login_attack_suspected"

        /// The account.
        public var sub: String
        /// Wrong passwords in the window so far.
        public var failures: Int
        /// RFC 3339: the window's first failure.
        public var since: String
        /// RFC 3339: the latest failure.
        public var last_at: String
        /// The account's kab/kota (`NN.NN`, from the NIK for citizens), for local times; nil when unknown.
        public var region: String?

        public init(sub: String, failures: Int, since: String, last_at: String, region: String? = nil) {
            self.sub = sub
            self.failures = failures
            self.since = since
            self.last_at = last_at
            self.region = region
        }
    }
}
