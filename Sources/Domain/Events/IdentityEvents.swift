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
