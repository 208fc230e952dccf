/// What a token's holder may reach, from its role and scope claims. Pure rules, used by every
/// service's handlers:
/// - `citizen`: only their own records (checked by the service against `sub`);
/// - `officer`, `supervisor`: their agency in their region (a kab/kota, `NN.NN`);
/// - `mpp_admin`: everything in their kab/kota;
/// - `ministry`: read everything, change nothing;
/// - `ops`: the platform itself (staff accounts, templates, calendars), everywhere.
public struct AccessScope: Sendable, Equatable {
    public let claims: AccessClaims

    public init(_ claims: AccessClaims) { self.claims = claims }

    public var role: Role { claims.role }

    /// Whether `region` (any level: `NN`, `NN.NN`, `NN.NN.NN`, village) lies inside the holder's region.
    /// National roles (no region claim, ministry, ops) cover every region.
    public func covers(region: String) -> Bool {
        if role == .ministry || role == .ops { return true }
        guard let own = claims.region, !own.isEmpty else { return false }
        return region == own || region.hasPrefix(own + ".")
    }

    /// Whether the holder may read records of `agency` in `region`.
    public func canRead(agency: String?, region: String) -> Bool {
        switch role {
        case .ministry, .ops: return true
        case .mppAdmin: return covers(region: region)
        case .officer, .supervisor: return covers(region: region) && (agency == nil || claims.agency == agency)
        case .citizen: return false
        }
    }

    /// Whether the holder may act (change state) on records of `agency` in `region`.
    public func canAct(agency: String?, region: String) -> Bool {
        role == .ministry ? false : canRead(agency: agency, region: region)
    }
}
