import Bus
import ServiceKit

/// Narrows a requested report filter to what the caller may see: ministry and ops everything,
/// mpp_admin their kab/kota, officers and supervisors their agency in their kab/kota.
enum SLAScope {
    static func filter(_ requested: ReportFilter, for claims: AccessClaims) throws -> ReportFilter {
        var filter = requested
        let scope = AccessScope(claims)
        switch claims.role {
        case .ministry, .ops:
            return filter
        case .mppAdmin, .officer, .supervisor:
            guard let own = claims.region else { throw RPCError(.permissionDenied, "token tanpa wilayah (no region in token)") }
            if let region = filter.region {
                guard scope.covers(region: region) else {
                    throw RPCError(.permissionDenied, "wilayah \(region) di luar cakupan Anda (outside your region)")
                }
            } else {
                filter.region = own
            }
            if claims.role != .mppAdmin {
                if let agency = filter.agency, agency != claims.agency {
                    throw RPCError(.permissionDenied, "instansi \(agency) di luar cakupan Anda (outside your agency)")
                }
                filter.agency = claims.agency
            }
            return filter
        case .citizen:
            throw RPCError(.permissionDenied, "laporan hanya untuk petugas (staff only)")
        }
    }
}
