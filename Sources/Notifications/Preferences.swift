import Bus
import Domain
import Foundation
import Store
import Support

/// How a person wants to be reached. The inbox is always on, whatever `channels` says.
public struct Preferences: Codable, Sendable, Equatable {
    public var recipient: String
    public var channels: [Medium]
    public var language: Language
    /// International format, `+62…`.
    public var phone: String?
    public var email: String?

    public init(recipient: String, channels: [Medium], language: Language, phone: String? = nil, email: String? = nil) {
        self.recipient = recipient
        self.channels = channels
        self.language = language
        self.phone = phone
        self.email = email
    }

    /// The choices a person made in their identity profile (`app` is the inbox).
    init(_ profile: IdentityEvents.ProfileUpdated) {
        let channels = profile.channels.compactMap { $0 == "app" ? Medium.inbox : Medium(rawValue: $0) }
        self.init(recipient: profile.sub, channels: channels.isEmpty ? [.inbox] : channels,
                  language: Language(rawValue: profile.language) ?? .fallback,
                  phone: profile.phone.flatMap(AddressRules.normalisedPhone), email: profile.email)
    }

    /// The channels to notify on: the inbox, then every chosen channel that has an address.
    public var reachableChannels: [Medium] {
        var result: [Medium] = [.inbox]
        for channel in channels where channel != .inbox && address(for: channel) != nil && !result.contains(channel) {
            result.append(channel)
        }
        return result
    }

    /// The address a channel delivers to (the recipient id for the log channel).
    public func address(for channel: Medium) -> String? {
        switch channel {
        case .inbox: recipient
        case .sms, .whatsapp: phone
        case .email: email
        case .log: recipient
        }
    }

    /// Reads a person's preferences; channels left unset are `defaults`, the language the one
    /// they chose, else the one last seen in their events, else Indonesian.
    static func load(_ db: Database, recipient: String, defaults: [Medium]) throws -> Preferences {
        let row = try db.queryOne("SELECT channels, language, language_hint, phone, email FROM preferences WHERE recipient = ?",
                                  [.text(recipient)])
        let channels = row?.string("channels").flatMap { text in
            text.split(separator: ",").compactMap { Medium(rawValue: String($0)) }
        } ?? defaults
        let language = (row?.string("language") ?? row?.string("language_hint")).flatMap(Language.init(rawValue:)) ?? .fallback
        return Preferences(recipient: recipient, channels: channels, language: language,
                           phone: row?.string("phone"), email: row?.string("email"))
    }

    /// Remembers the language an event says a person uses (only used while they chose none).
    static func hint(_ db: Database, recipient: String, language: Language, now: Double) throws {
        try db.run("""
            INSERT INTO preferences (recipient, language_hint, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (recipient) DO UPDATE SET language_hint = excluded.language_hint
            WHERE preferences.language_hint IS NOT excluded.language_hint
            """, [.text(recipient), .text(language.rawValue), .real(now)])
    }

    /// Saves explicit choices.
    func save(_ db: Database, now: Double) throws {
        try db.run("""
            INSERT INTO preferences (recipient, channels, language, phone, email, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (recipient) DO UPDATE SET channels = excluded.channels, language = excluded.language,
                phone = excluded.phone, email = excluded.email, updated_at = excluded.updated_at
            """, [.text(recipient), .text(channels.map(\.rawValue).joined(separator: ",")), .text(language.rawValue),
                  SQLValue(phone), SQLValue(email), .real(now)])
    }
}

/// Checks of addresses, as pure functions.
public enum AddressRules {
    /// A phone number in international form: `08…` becomes `+628…`; 9–15 digits after the `+`.
    public static func normalisedPhone(_ text: String) -> String? {
        var digits = text.filter { !" -().".contains($0) }
        if digits.hasPrefix("0") { digits = "+62" + digits.dropFirst() }
        if digits.hasPrefix("62") { digits = "+" + digits }
        guard digits.hasPrefix("+"), digits.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }),
              (9...15).contains(digits.count - 1) else { return nil }
        return digits
    }

    /// A plausible email address: one `@`, a dot in the domain, no spaces or header-breaking characters.
    public static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              text.count <= 254 else { return false }
        return !text.contains { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" || $0.isNewline }
    }
}
