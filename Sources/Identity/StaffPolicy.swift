import Domain
import ServiceKit

/// A staff account request whose fields are well formed.
public struct ValidStaff: Sendable, Equatable {
    public var username: String
    public var name: String
    public var role: Role
    public var agency: String?
    /// Kab/kota `NN.NN` for officer, supervisor and mpp_admin; nil for national roles.
    public var region: String?
}

/// Who may create which staff account, and who may verify citizens. Pure rules.
///
/// Staff scopes: `officer` and `supervisor` belong to an agency in a kab/kota; `mpp_admin`
/// runs the MPP of a kab/kota; `ministry` and `ops` are national.
public enum StaffPolicy {
    /// Agencies whose officers and supervisors verify identities at a counter: the population
    /// office, and the MPP's own front desk (modelled as agency `mpp`).
    public static let verifyingAgencies: Set<String> = ["disdukcapil", "mpp"]

    /// Checks the shape of an `identity.staff.create` request.
    public static func validate(_ request: CreateStaff) -> Result<ValidStaff, FieldProblems> {
        var check = FieldCheck()
        let username = check.take("username", FieldRules.username(request.username))
        let name = check.take("name", FieldRules.personName(request.name))
        _ = check.take("password", FieldRules.password(request.password, personal: [username ?? request.username]))
        var agency: String?
        var region: String?
        switch request.role {
        case .citizen:
            check.add("role", "staf: officer, supervisor, mpp_admin, ministry atau ops (a staff role)")
        case .officer, .supervisor:
            if let text = request.agency { agency = check.take("agency", FieldRules.agency(text)) } else {
                check.add("agency", "wajib untuk officer dan supervisor (required)")
            }
            region = regency(request.region, &check)
        case .mppAdmin:
            if request.agency != nil { check.add("agency", "hanya untuk officer dan supervisor (only for officer and supervisor)") }
            region = regency(request.region, &check)
        case .ministry, .ops:
            if request.agency != nil { check.add("agency", "peran nasional tanpa instansi (a national role has no agency)") }
            if request.region != nil { check.add("region", "peran nasional tanpa wilayah (a national role has no region)") }
        }
        guard check.isEmpty, let username, let name else { return .failure(FieldProblems(fields: check.problems)) }
        return .success(ValidStaff(username: username, name: name, role: request.role, agency: agency, region: region))
    }

    /// Nil when `creator` may create `staff`, else the reason it may not.
    /// - ops: anyone; mpp_admin: officers and supervisors of their own kab/kota;
    ///   supervisor: officers of their own agency and kab/kota; everyone else: nobody.
    public static func refusal(creator: AccessClaims, staff: ValidStaff) -> String? {
        switch creator.role {
        case .ops:
            return nil
        case .mppAdmin:
            guard staff.role == .officer || staff.role == .supervisor else {
                return "mpp_admin hanya membuat officer dan supervisor (mpp_admin creates officers and supervisors only)"
            }
            guard let region = staff.region, AccessScope(creator).covers(region: region) else {
                return "di luar kabupaten/kota Anda (outside your kab/kota)"
            }
            return nil
        case .supervisor:
            guard staff.role == .officer else { return "supervisor hanya membuat officer (supervisors create officers only)" }
            guard staff.agency == creator.agency, let region = staff.region, region == creator.region else {
                return "di luar instansi dan wilayah Anda (outside your agency and region)"
            }
            return nil
        case .officer, .ministry, .citizen:
            return "peran \(creator.role.rawValue) tidak dapat membuat akun staf (cannot create staff)"
        }
    }

    /// Whether the holder of `claims` may mark a citizen verified: officers and supervisors of
    /// Disdukcapil or of the MPP front desk, and MPP administrators.
    public static func mayVerifyCitizens(_ claims: AccessClaims) -> Bool {
        switch claims.role {
        case .officer, .supervisor: claims.agency.map(verifyingAgencies.contains) ?? false
        case .mppAdmin: true
        case .citizen, .ministry, .ops: false
        }
    }

    private static func regency(_ text: String?, _ check: inout FieldCheck) -> String? {
        guard let text else {
            check.add("region", "wajib: kode kabupaten/kota NN.NN (required: a kab/kota code)")
            return nil
        }
        guard let code = RegionCode(text), code.level == .regency else {
            check.add("region", "kode kabupaten/kota NN.NN (a kab/kota code such as 32.73)")
            return nil
        }
        return code.value
    }
}
