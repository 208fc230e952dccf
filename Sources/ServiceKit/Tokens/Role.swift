/// Who the bearer of an access token is, as far as authorization is concerned.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// A member of the public, registered with their NIK.
    case citizen
    /// Counter staff of an agency (OPD) at an MPP.
    case officer
    /// Staff who supervise officers of an agency and handle escalations.
    case supervisor
    /// Administrator of one MPP site (`mpp_admin` on the wire).
    case mppAdmin = "mpp_admin"
    /// Ministry evaluators: national, read-only reporting.
    case ministry
    /// Platform operators.
    case ops

    /// Whether this role belongs to staff rather than to the public.
    public var isStaff: Bool { self != .citizen }
}
