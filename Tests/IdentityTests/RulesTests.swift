import Domain
import Foundation
import Identity
import ServiceKit
import Testing

@Suite("Identity rules")
struct RulesTests {
    let today = CivilDate(year: 2026, month: 11, day: 23)!

    func registration(nik: String = "3273011501900001", name: String = "Siti Aminah", birthDate: String = "1990-01-15",
                      phone: String? = "0812-3456-7890", email: String? = nil, password: String = "kata-sandi-rahasia") -> RegisterCitizen {
        RegisterCitizen(nik: nik, name: name, birth_date: birthDate, phone: phone, email: email, password: password)
    }

    func fields(_ result: Result<ValidRegistration, FieldProblems>) -> [String: String] {
        if case .failure(let problems) = result { return problems.fields }
        return [:]
    }

    // MARK: registration

    @Test func acceptsAGoodRegistration() throws {
        let valid = try RegistrationRules.validate(registration(), today: today).get()
        #expect(valid.nik.districtCode == "32.73.01")
        #expect(valid.phone == "+6281234567890")
        #expect(valid.flags.isEmpty)
        #expect(valid.name == "Siti Aminah")
    }

    @Test func flagsABirthDateMismatchButAccepts() throws {
        let valid = try RegistrationRules.validate(registration(birthDate: "1990-01-16"), today: today).get()
        #expect(valid.flags == [RegistrationRules.birthDateMismatch])
    }

    @Test func namesEveryBadField() {
        let problems = fields(RegistrationRules.validate(
            registration(nik: "32730115019000", name: "X", birthDate: "2030-01-01", phone: "12345", email: "no-at-sign", password: "short"),
            today: today))
        #expect(Set(problems.keys) == ["nik", "name", "birth_date", "phone", "email", "password"])
        #expect(problems["nik"]?.contains("16 digits") == true)
    }

    @Test func needsAPhoneOrAnEmail() {
        #expect(fields(RegistrationRules.validate(registration(phone: nil), today: today))["phone"] != nil)
        #expect(fields(RegistrationRules.validate(registration(phone: nil, email: "siti@example.id"), today: today)).isEmpty)
    }

    @Test func passwordMustNotContainTheNIK() {
        let problems = fields(RegistrationRules.validate(registration(password: "x3273011501900001"), today: today))
        #expect(problems["password"]?.contains("NIK") == true)
    }

    // MARK: fields

    @Test(arguments: [("0812 3456 7890", "+6281234567890"), ("+62 812-3456-7890", "+6281234567890"), ("6281234567890", "+6281234567890"),
                      ("(021) 555-1234", "+62215551234")])
    func phonesNormalise(input: String, expected: String) throws {
        #expect(try FieldRules.phone(input).get() == expected)
    }

    @Test(arguments: ["12345", "0812", "+1 555 1234 567", "08123456789012345", "0812abc45678", "00812345678"])
    func badPhones(input: String) {
        #expect((try? FieldRules.phone(input).get()) == nil)
    }

    @Test func emails() throws {
        #expect(try FieldRules.email(" Siti@Example.GO.id ").get() == "Siti@example.go.id")
        for bad in ["", "siti", "@example.id", "siti@", "siti@example", "siti@@example.id", "si ti@example.id", "siti@-x.id", "siti@example.1d"] {
            #expect((try? FieldRules.email(bad).get()) == nil, "\(bad)")
        }
    }

    @Test func names() throws {
        #expect(try FieldRules.personName("  Muhammad   Rizki  ").get() == "Muhammad Rizki")
        #expect(try FieldRules.personName("I Gusti Ngurah Rai").get() == "I Gusti Ngurah Rai")
        #expect(try FieldRules.personName("Ni Luh Putu Ayu, S.Kom.").get() == "Ni Luh Putu Ayu, S.Kom.")
        #expect((try? FieldRules.personName("R2D2").get()) == nil)
        #expect((try? FieldRules.personName("A").get()) == nil)
        #expect((try? FieldRules.personName("...").get()) == nil)
    }

    @Test func passwords() {
        #expect((try? FieldRules.password("aaaaaaaaaa", personal: []).get()) == nil)
        #expect((try? FieldRules.password("1234567", personal: []).get()) == nil)
        #expect((try? FieldRules.password(String(repeating: "ab", count: 65), personal: []).get()) == nil)
        #expect((try? FieldRules.password("budi.santoso99", personal: ["budi.santoso"]).get()) == nil)
        #expect((try? FieldRules.password("correct horse battery", personal: ["budi"]).get()) != nil)
    }

    @Test func usernamesAgenciesAndSmallFields() throws {
        #expect(try FieldRules.username(" Budi.Santoso ").get() == "budi.santoso")
        #expect((try? FieldRules.username("3273011501900001").get()) == nil)
        #expect((try? FieldRules.username("ab").get()) == nil)
        #expect((try? FieldRules.username("budi santoso").get()) == nil)
        #expect(try FieldRules.agency("Disdukcapil").get() == "disdukcapil")
        #expect((try? FieldRules.agency("dinas kesehatan").get()) == nil)
        #expect(try FieldRules.familyCardNumber("3273 0112 3456 0001").get() == "3273011234560001")
        #expect((try? FieldRules.familyCardNumber("327301123456000").get()) == nil)
        #expect(try FieldRules.neighbourhood("5").get() == "005")
        #expect((try? FieldRules.neighbourhood("000").get()) == nil)
        #expect((try? FieldRules.neighbourhood("1234").get()) == nil)
        #expect(try FieldRules.postalCode("40115").get() == "40115")
        #expect((try? FieldRules.postalCode("4011").get()) == nil)
        #expect((try? FieldRules.text("a\u{7}b", limit: 10).get()) == nil)
        #expect((try? FieldRules.text(String(repeating: "x", count: 11), limit: 10).get()) == nil)
    }

    // MARK: profile

    let profile = ProfileRules.initial(phone: "+6281234567890", email: nil)

    func applied(_ update: ProfileUpdate) -> Result<Profile, FieldProblems> {
        ProfileRules.apply(update, to: profile)
    }

    @Test func updatesTheProfile() throws {
        let updated = try applied(ProfileUpdate(
            email: "siti@example.id",
            address: Address(street: "Jl. Asia Afrika No. 1", rt: "1", rw: "12", village_code: "3273011001", postal_code: "40111"),
            kk_number: "3273011234560001", occupation: "Guru", preferred_language: "en", preferred_channels: ["whatsapp", "app", "email"])).get()
        #expect(updated.email == "siti@example.id")
        #expect(updated.address?.village_code == "32.73.01.1001")
        #expect(updated.address?.district_code == "32.73.01")
        #expect(updated.address?.regency_code == "32.73")
        #expect(updated.address?.province_code == "32")
        #expect(updated.address?.rt == "001")
        #expect(updated.kk_number == "3273011234560001")
        #expect(updated.preferred_language == "en")
        #expect(updated.preferred_channels == ["app", "whatsapp", "email"])
        #expect(updated.phone == "+6281234567890")
    }

    @Test func profileProblemsNameTheirFields() {
        guard case .failure(let problems) = applied(ProfileUpdate(
            address: Address(village_code: "32.73.01"), kk_number: "123", preferred_language: "jv", preferred_channels: ["fax"])) else {
            Issue.record("expected problems")
            return
        }
        #expect(Set(problems.fields.keys) == ["address.village_code", "kk_number", "preferred_language", "preferred_channels"])
    }

    @Test func aContactMustRemain() {
        guard case .failure(let problems) = applied(ProfileUpdate(phone: "")) else {
            Issue.record("expected problems")
            return
        }
        #expect(problems.fields["phone"] != nil)
    }

    @Test func channelsNeedTheirContact() {
        guard case .failure(let problems) = applied(ProfileUpdate(preferred_channels: ["email"])) else {
            Issue.record("expected problems")
            return
        }
        #expect(problems.fields["preferred_channels"]?.contains("e-mail") == true)
    }

    @Test func emptyTextClearsAField() throws {
        let withEmail = try applied(ProfileUpdate(email: "siti@example.id", occupation: "Guru")).get()
        let cleared = try ProfileRules.apply(ProfileUpdate(occupation: " "), to: withEmail).get()
        #expect(cleared.occupation == nil)
        #expect(cleared.email == "siti@example.id")
    }

    // MARK: staff

    func claims(_ role: Role, agency: String? = nil, region: String? = nil) -> AccessClaims {
        AccessClaims(sub: "s1", role: role, agency: agency, region: region, iat: 0, exp: 1)
    }

    func staff(_ role: Role, agency: String? = nil, region: String? = nil) throws -> ValidStaff {
        try StaffPolicy.validate(CreateStaff(username: "petugas1", name: "Petugas Satu", password: "sandi-yang-kuat", role: role,
                                             agency: agency, region: region)).get()
    }

    @Test func staffScopes() throws {
        let officerBandung = try staff(.officer, agency: "disdukcapil", region: "32.73")
        let supervisorBandung = try staff(.supervisor, agency: "disdukcapil", region: "32.73")
        let officerBogor = try staff(.officer, agency: "disdukcapil", region: "32.01")
        let admin = try staff(.mppAdmin, region: "32.73")
        let ops = try staff(.ops)

        #expect(StaffPolicy.refusal(creator: claims(.ops), staff: ops) == nil)
        #expect(StaffPolicy.refusal(creator: claims(.ops), staff: admin) == nil)

        let bandungAdmin = claims(.mppAdmin, region: "32.73")
        #expect(StaffPolicy.refusal(creator: bandungAdmin, staff: officerBandung) == nil)
        #expect(StaffPolicy.refusal(creator: bandungAdmin, staff: supervisorBandung) == nil)
        #expect(StaffPolicy.refusal(creator: bandungAdmin, staff: officerBogor) != nil)
        #expect(StaffPolicy.refusal(creator: bandungAdmin, staff: admin) != nil)

        let supervisor = claims(.supervisor, agency: "disdukcapil", region: "32.73")
        #expect(StaffPolicy.refusal(creator: supervisor, staff: officerBandung) == nil)
        #expect(StaffPolicy.refusal(creator: supervisor, staff: supervisorBandung) != nil)
        #expect(StaffPolicy.refusal(creator: supervisor, staff: officerBogor) != nil)
        #expect(StaffPolicy.refusal(creator: supervisor, staff: try staff(.officer, agency: "dinkes", region: "32.73")) != nil)

        for role in [Role.officer, .ministry, .citizen] {
            #expect(StaffPolicy.refusal(creator: claims(role, agency: "disdukcapil", region: "32.73"), staff: officerBandung) != nil)
        }
    }

    @Test func staffShape() {
        func problems(_ request: CreateStaff) -> Set<String> {
            if case .failure(let failure) = StaffPolicy.validate(request) { return Set(failure.fields.keys) }
            return []
        }
        #expect(problems(CreateStaff(username: "x", name: "1", password: "pendek", role: .citizen)) == ["username", "name", "password", "role"])
        #expect(problems(CreateStaff(username: "petugas1", name: "Petugas", password: "sandi-yang-kuat", role: .officer)) == ["agency", "region"])
        #expect(problems(CreateStaff(username: "petugas1", name: "Petugas", password: "sandi-yang-kuat", role: .officer,
                                     agency: "disdukcapil", region: "32.73.01")) == ["region"])
        #expect(problems(CreateStaff(username: "admin1", name: "Admin", password: "sandi-yang-kuat", role: .mppAdmin,
                                     agency: "mpp", region: "32.73")) == ["agency"])
        #expect(problems(CreateStaff(username: "menteri", name: "Menteri", password: "sandi-yang-kuat", role: .ministry,
                                     region: "32")) == ["region"])
    }

    @Test func whoVerifiesCitizens() {
        #expect(StaffPolicy.mayVerifyCitizens(claims(.officer, agency: "disdukcapil", region: "32.73")))
        #expect(StaffPolicy.mayVerifyCitizens(claims(.supervisor, agency: "mpp", region: "32.73")))
        #expect(StaffPolicy.mayVerifyCitizens(claims(.mppAdmin, region: "32.73")))
        #expect(!StaffPolicy.mayVerifyCitizens(claims(.officer, agency: "dinkes", region: "32.73")))
        #expect(!StaffPolicy.mayVerifyCitizens(claims(.ops)))
        #expect(!StaffPolicy.mayVerifyCitizens(claims(.citizen)))
    }
}
