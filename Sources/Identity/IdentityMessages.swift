import ServiceKit

// Request and reply bodies of identity's methods (docs/protocol.md §identity). Property names
// are the JSON names.

/// `identity.citizens.register`.
public struct RegisterCitizen: Codable, Sendable {
    public var nik: String
    public var name: String
    /// `YYYY-MM-DD`, as on the KTP-el.
    public var birth_date: String
    public var phone: String?
    public var email: String?
    public var password: String

    public init(nik: String, name: String, birth_date: String, phone: String? = nil, email: String? = nil, password: String) {
        self.nik = nik
        self.name = name
        self.birth_date = birth_date
        self.phone = phone
        self.email = email
        self.password = password
    }
}

/// `identity.login`: exactly one of `nik` (citizens) or `username` (staff).
public struct LoginRequest: Codable, Sendable {
    public var nik: String?
    public var username: String?
    public var password: String

    public init(nik: String? = nil, username: String? = nil, password: String) {
        self.nik = nik
        self.username = username
        self.password = password
    }
}

/// Reply of `identity.login` and `identity.refresh`.
public struct TokenPair: Codable, Sendable, Equatable {
    public var access_token: String
    public var token_type: String
    /// Seconds since 1970.
    public var expires_at: Int
    public var expires_in: Int
    public var refresh_token: String
    public var refresh_expires_at: Int
    public var sub: String
    public var role: Role
}

/// `identity.refresh`.
public struct RefreshRequest: Codable, Sendable {
    public var refresh_token: String
    public init(refresh_token: String) { self.refresh_token = refresh_token }
}

/// `identity.logout`: the refresh token, or the access token in the metadata, names the login
/// to end.
public struct LogoutRequest: Codable, Sendable {
    public var refresh_token: String?
    public init(refresh_token: String? = nil) { self.refresh_token = refresh_token }
}

public struct LogoutReply: Codable, Sendable, Equatable {
    /// Access tokens announced revoked.
    public var revoked_access_tokens: Int
}

/// A citizen's or staff member's account as shown to themselves and to staff.
public struct AccountView: Codable, Sendable, Equatable {
    public var sub: String
    /// `citizen` or `staff`.
    public var kind: String
    public var role: Role
    public var name: String
    public var nik: String?
    public var username: String?
    public var birth_date: String?
    /// `male` or `female`, from the NIK.
    public var sex: String?
    public var agency: String?
    public var region: String?
    /// `unverified` or `verified`.
    public var assurance: String
    /// Findings for the verifying officer, e.g. `birth_date_mismatch`.
    public var flags: [String]
    public var verification: Verification?
    public var profile: Profile
    public var created_at: String
}

/// How and by whom an account was verified.
public struct Verification: Codable, Sendable, Equatable {
    /// `ktp_el` (officer checked the card at a counter) or `ikd` (national digital ID).
    public var method: String
    public var by: String
    public var at: String
    public var note: String?
}

/// What a citizen gives once (once-only principle).
public struct Profile: Codable, Sendable, Equatable {
    public var phone: String?
    public var email: String?
    public var address: Address?
    /// Kartu Keluarga number, 16 digits.
    public var kk_number: String?
    public var occupation: String?
    /// `id` or `en`.
    public var preferred_language: String
    /// Any of `app`, `sms`, `whatsapp`, `email`.
    public var preferred_channels: [String]
}

public struct Address: Codable, Sendable, Equatable {
    public var street: String?
    public var rt: String?
    public var rw: String?
    /// Kemendagri village code `NN.NN.NN.NNNN`.
    public var village_code: String
    /// Derived from `village_code`, for forms.
    public var district_code: String?
    public var regency_code: String?
    public var province_code: String?
    public var postal_code: String?

    public init(street: String? = nil, rt: String? = nil, rw: String? = nil, village_code: String, postal_code: String? = nil) {
        self.street = street
        self.rt = rt
        self.rw = rw
        self.village_code = village_code
        self.postal_code = postal_code
    }
}

/// `identity.profile.update`: absent fields stay as they are; an empty string clears `phone`,
/// `email`, `kk_number` or `occupation` (one of phone or email must remain).
public struct ProfileUpdate: Codable, Sendable {
    public var phone: String?
    public var email: String?
    public var address: Address?
    public var kk_number: String?
    public var occupation: String?
    public var preferred_language: String?
    public var preferred_channels: [String]?

    public init(phone: String? = nil, email: String? = nil, address: Address? = nil, kk_number: String? = nil,
                occupation: String? = nil, preferred_language: String? = nil, preferred_channels: [String]? = nil) {
        self.phone = phone
        self.email = email
        self.address = address
        self.kk_number = kk_number
        self.occupation = occupation
        self.preferred_language = preferred_language
        self.preferred_channels = preferred_channels
    }
}

/// Names one citizen: by account id or by NIK (exactly one).
public struct CitizenRef: Codable, Sendable {
    public var sub: String?
    public var nik: String?
    public init(sub: String? = nil, nik: String? = nil) {
        self.sub = sub
        self.nik = nik
    }
}

/// `identity.citizens.verify`.
public struct VerifyCitizen: Codable, Sendable {
    public var sub: String?
    public var nik: String?
    /// `ktp_el` or `ikd`.
    public var method: String
    /// Required when the account is flagged `birth_date_mismatch`: the officer checked the birth
    /// date on the KTP-el and accepts the NIK as genuine.
    public var birth_date_checked: Bool?
    public var note: String?

    public init(sub: String? = nil, nik: String? = nil, method: String, birth_date_checked: Bool? = nil, note: String? = nil) {
        self.sub = sub
        self.nik = nik
        self.method = method
        self.birth_date_checked = birth_date_checked
        self.note = note
    }
}

/// `identity.profile.get`.
public struct ProfileRequest: Codable, Sendable {
    public var sub: String
    public init(sub: String) { self.sub = sub }
}

/// `identity.staff.create`.
public struct CreateStaff: Codable, Sendable {
    public var username: String
    public var name: String
    public var password: String
    public var role: Role
    public var agency: String?
    /// Kab/kota code `NN.NN` for officer, supervisor and mpp_admin.
    public var region: String?
    public var phone: String?
    public var email: String?

    public init(username: String, name: String, password: String, role: Role, agency: String? = nil, region: String? = nil,
                phone: String? = nil, email: String? = nil) {
        self.username = username
        self.name = name
        self.password = password
        self.role = role
        self.agency = agency
        self.region = region
        self.phone = phone
        self.email = email
    }
}

/// `identity.keys.rotate` reply.
public struct KeysRotated: Codable, Sendable {
    public var current: String
    public var published: [String]
}

// MARK: events

/// Data of `identity.citizen_registered`.
public struct CitizenRegisteredEvent: Codable, Sendable {
    public var sub: String
    /// District code of the NIK.
    public var district: String
    public var flags: [String]
}

/// Data of `identity.citizen_verified`.
public struct CitizenVerifiedEvent: Codable, Sendable {
    public var sub: String
    public var method: String
    public var by: String
    public var agency: String?
    public var region: String?
}

/// Event types identity publishes.
public enum IdentityEvent {
    public static let citizenRegistered = "identity.citizen_registered"
    public static let citizenVerified = "identity.citizen_verified"
    public static let tokenRevoked = "identity.token_revoked"
}
