import Bus
import Domain
import Support

/// Which applications a report covers.
public struct ReportFilter: Codable, Sendable, Equatable {
    public var region: String?
    public var site: String?
    public var agency: String?
    public var service: String?

    public init(region: String? = nil, site: String? = nil, agency: String? = nil, service: String? = nil) {
        self.region = region
        self.site = site
        self.agency = agency
        self.service = service
    }

    /// The filter as asked for, checked before it reaches SQL: `region` a region code (dotted
    /// here: it is matched with `LIKE`), the others ids of at most 64 printable ASCII characters;
    /// `invalid_argument` naming every bad member.
    func checked() throws -> ReportFilter {
        var problems: [String: String] = [:]
        var checked = self
        if let region {
            checked.region = RegionCode(region)?.value
            if checked.region == nil { problems["region"] = "kode wilayah tidak sah, contoh 32 atau 32.73 (invalid region code)" }
        }
        for (field, value) in [("site", site), ("agency", agency), ("service", service)] {
            if let value, let problem = TextCheck.nameProblem(value, maxLength: 64) { problems[field] = problem }
        }
        if !problems.isEmpty { throw RPCError.invalid(problems) }
        return checked
    }

    /// SQL conditions and parameters for the `clocks` or `surveys` table.
    func sql() -> (String, [String]) {
        var conditions: [String] = []
        var parameters: [String] = []
        if let region { conditions.append("(region = ? OR region LIKE ?)"); parameters += [region, region + ".%"] }
        if let site { conditions.append("site = ?"); parameters.append(site) }
        if let agency { conditions.append("agency = ?"); parameters.append(agency) }
        if let service { conditions.append("service = ?"); parameters.append(service) }
        return (conditions.isEmpty ? "1" : conditions.joined(separator: " AND "), parameters)
    }
}
