import Domain
import Foundation

/// A registration whose fields are all well formed (the NIK's district is still to be checked
/// with the catalog).
public struct ValidRegistration: Sendable {
    public let nik: NIK
    public let name: String
    public let birthDate: CivilDate
    public let phone: String?
    public let email: String?
    public let password: String
    /// Findings for the verifying officer.
    public let flags: [String]
}

/// Pure checks of `identity.citizens.register`: every field's problem at once.
public enum RegistrationRules {
    /// The flag of an account whose NIK encodes another date than the declared birth date.
    public static let birthDateMismatch = "birth_date_mismatch"

    public static func validate(_ request: RegisterCitizen, today: CivilDate) -> Result<ValidRegistration, FieldProblems> {
        var check = FieldCheck()
        var nik: NIK?
        switch NIK.parse(request.nik, reference: today) {
        case .success(let parsed): nik = parsed
        case .failure(let problems): check.add("nik", problems.description)
        }
        let name = check.take("name", FieldRules.personName(request.name))
        var birthDate: CivilDate?
        if let date = CivilDate(request.birth_date), date.year >= 1900, date <= today {
            birthDate = date
        } else {
            check.add("birth_date", "tanggal YYYY-MM-DD yang sah, tidak di masa depan (a real past date, YYYY-MM-DD)")
        }
        let phone = request.phone.flatMap { check.take("phone", FieldRules.phone($0)) }
        let email = request.email.flatMap { check.take("email", FieldRules.email($0)) }
        if request.phone == nil && request.email == nil {
            check.add("phone", "isi nomor telepon atau email (give a phone number or an e-mail address)")
        }
        let personal = [nik?.digits ?? request.nik, phone.map { String($0.dropFirst(3)) } ?? ""]
        let password = check.take("password", FieldRules.password(request.password, personal: personal))

        guard check.isEmpty, let nik, let name, let birthDate, let password else {
            return .failure(FieldProblems(fields: check.problems))
        }
        let flags = nik.matches(birthDate: birthDate) ? [] : [birthDateMismatch]
        return .success(ValidRegistration(nik: nik, name: name, birthDate: birthDate, phone: phone, email: email,
                                          password: password, flags: flags))
    }
}

/// Field problems of a request, by field name.
public struct FieldProblems: Error, Sendable, Equatable {
    public let fields: [String: String]
}
