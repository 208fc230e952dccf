import Domain
import Foundation
import Store
import Support

/// Pure rules of the profile ("asked once"): applying an update gives the new profile or every
/// field's problem. Whether the village exists is asked from the catalog by the caller.
public enum ProfileRules {
    public static let languages: Set<String> = ["id", "en"]
    public static let channels = ["app", "sms", "whatsapp", "email"]

    /// The profile of a new account.
    public static func initial(phone: String?, email: String?) -> Profile {
        Profile(phone: phone, email: email, address: nil, kk_number: nil, occupation: nil, preferred_language: "id",
                preferred_channels: ["app"])
    }

    public static func apply(_ update: ProfileUpdate, to current: Profile) -> Result<Profile, FieldProblems> {
        var check = FieldCheck()
        var profile = current
        /// Empty text clears an optional field; anything else goes through `rule`.
        func clearable(_ field: String, _ value: String?, _ rule: (String) -> Result<String, FieldProblem>) -> String?? {
            guard let value else { return .none }
            if value.trimmingCharacters(in: .whitespaces).isEmpty { return .some(nil) }
            return check.take(field, rule(value)).map { .some($0) }
        }
        if let phone = clearable("phone", update.phone, FieldRules.phone) { profile.phone = phone }
        if let email = clearable("email", update.email, FieldRules.email) { profile.email = email }
        if let kk = clearable("kk_number", update.kk_number, FieldRules.familyCardNumber) { profile.kk_number = kk }
        if let occupation = clearable("occupation", update.occupation, { FieldRules.text($0, limit: 100) }) { profile.occupation = occupation }
        if let address = update.address {
            profile.address = self.address(address, &check)
        }
        if let language = update.preferred_language {
            if languages.contains(language) { profile.preferred_language = language } else { check.add("preferred_language", "id atau en") }
        }
        if let channels = update.preferred_channels {
            let unknown = channels.filter { !Self.channels.contains($0) }
            if channels.isEmpty || !unknown.isEmpty {
                check.add("preferred_channels", "pilih satu atau lebih dari \(Self.channels.joined(separator: ", ")) (one or more of them)")
            } else {
                profile.preferred_channels = Self.channels.filter(channels.contains)
            }
        }
        if profile.phone == nil && profile.email == nil && check.isEmpty {
            check.add(update.phone != nil ? "phone" : "email", "nomor telepon atau email harus tetap ada (keep a phone number or an e-mail)")
        }
        if profile.preferred_channels.contains("email") && profile.email == nil {
            check.add("preferred_channels", "kanal email butuh alamat email (the email channel needs an e-mail address)")
        }
        if profile.phone == nil && (profile.preferred_channels.contains("sms") || profile.preferred_channels.contains("whatsapp")) {
            check.add("preferred_channels", "kanal sms/whatsapp butuh nomor telepon (sms and whatsapp need a phone number)")
        }
        guard check.isEmpty else { return .failure(FieldProblems(fields: check.problems)) }
        return .success(profile)
    }

    private static func address(_ input: Address, _ check: inout FieldCheck) -> Address? {
        guard let code = RegionCode(input.village_code), code.level == .village else {
            check.add("address.village_code", "kode desa/kelurahan NN.NN.NN.NNNN (a village code)")
            return nil
        }
        var address = Address(village_code: code.value).deriving(from: code)
        address.street = input.street.flatMap { check.take("address.street", FieldRules.text($0, limit: 200)) }.flatMap { $0.isEmpty ? nil : $0 }
        address.rt = input.rt.flatMap { check.take("address.rt", FieldRules.neighbourhood($0)) }
        address.rw = input.rw.flatMap { check.take("address.rw", FieldRules.neighbourhood($0)) }
        address.postal_code = input.postal_code.flatMap { check.take("address.postal_code", FieldRules.postalCode($0)) }
        return address
    }
}

/// Reading and writing `profiles` rows.
enum ProfileStore {
    static func load(_ db: Database, accountID: String) throws -> Profile {
        guard let row = try db.queryOne("SELECT * FROM profiles WHERE account_id = ?", [.text(accountID)]) else {
            return ProfileRules.initial(phone: nil, email: nil)
        }
        var address: Address?
        if let village = row.string("village_code"), let code = RegionCode(village) {
            address = Address(street: row.string("street"), rt: row.string("rt"), rw: row.string("rw"), village_code: village,
                              postal_code: row.string("postal_code")).deriving(from: code)
        }
        let channels = (try? JSON.decode([String].self, from: Array((row.string("preferred_channels") ?? "[]").utf8))) ?? ["app"]
        return Profile(phone: row.string("phone"), email: row.string("email"), address: address, kk_number: row.string("kk_number"),
                       occupation: row.string("occupation"), preferred_language: row.string("preferred_language") ?? "id",
                       preferred_channels: channels)
    }

    static func save(_ db: Database, accountID: String, _ profile: Profile, at now: Date) throws {
        let channels = String(decoding: (try? JSON.encode(profile.preferred_channels)) ?? Array("[]".utf8), as: UTF8.self)
        try db.run("""
            INSERT OR REPLACE INTO profiles (account_id, phone, email, street, rt, rw, village_code, postal_code, kk_number,
                                             occupation, preferred_language, preferred_channels, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(accountID), SQLValue(profile.phone), SQLValue(profile.email), SQLValue(profile.address?.street),
                  SQLValue(profile.address?.rt), SQLValue(profile.address?.rw), SQLValue(profile.address?.village_code),
                  SQLValue(profile.address?.postal_code), SQLValue(profile.kk_number), SQLValue(profile.occupation),
                  .text(profile.preferred_language), .text(channels), .real(now.timeIntervalSince1970)])
    }
}

extension Address {
    /// The address with its district, regency and province codes filled from the village code.
    func deriving(from code: RegionCode) -> Address {
        var address = self
        address.district_code = code.ancestor(at: .district)?.value
        address.regency_code = code.regency?.value
        address.province_code = code.province.value
        return address
    }
}
