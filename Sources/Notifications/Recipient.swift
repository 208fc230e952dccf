import ServiceKit

/// Who a notification is for.
/// - `person`: a citizen or staff member by their token's `sub`; their preferences choose the
///   channels beyond the inbox.
/// - `group`: everyone holding a role in a scope, e.g. `role:supervisor/agency:disdukcapil/region:32.73`
///   (the notifications service has no staff lists): inbox only; staff inboxes read the group
///   address their token's role, agency and region name. A group entry is one shared row, so
///   marking it read marks it read for the whole group (a team inbox).
public enum Recipient: Hashable, Sendable {
    case person(String)
    case group(String)

    /// The address stored with the notification.
    public var address: String {
        switch self {
        case .person(let id): id
        case .group(let address): address
        }
    }

    /// The group of `role` in a scope: officers and supervisors are scoped to their agency in
    /// their kab/kota, MPP admins to their kab/kota, ministry and ops are national.
    public static func role(_ role: String, agency: String?, region: String?) -> Recipient {
        var address = "role:" + role
        let scopedToAgency = role == Role.officer.rawValue || role == Role.supervisor.rawValue
        let scopedToRegion = scopedToAgency || role == Role.mppAdmin.rawValue
        if scopedToAgency, let agency, !agency.isEmpty { address += "/agency:" + agency }
        if scopedToRegion, let region, !region.isEmpty { address += "/region:" + region }
        return .group(address)
    }

    /// Every address whose inbox the holder of `claims` reads: their own, plus their role's
    /// group for staff.
    public static func inboxAddresses(_ claims: AccessClaims) -> [String] {
        guard claims.role.isStaff else { return [claims.sub] }
        return [claims.sub, role(claims.role.rawValue, agency: claims.agency, region: claims.region).address]
    }
}

/// A way to reach someone. The inbox is always on; the others need an address in the
/// recipient's preferences and are delivered by notify workers through a worker channel.
public enum Medium: String, Codable, Sendable, CaseIterable {
    case inbox
    /// SMS and WhatsApp are reached through the gateway's webhook.
    case sms
    case whatsapp
    /// Email through the worker's `sendmail -t`.
    case email
    /// Development: the worker writes it to its standard output.
    case log

    /// The worker channel that delivers it (nil: stored in the inbox, nothing to deliver).
    public var workerChannel: String? {
        switch self {
        case .inbox: nil
        case .sms, .whatsapp: WorkerChannel.webhook
        case .email: WorkerChannel.sendmail
        case .log: WorkerChannel.log
        }
    }
}

/// Channels of the notify workers (`MPP_WORKER_CHANNELS`), each with its own rate limit.
public enum WorkerChannel {
    public static let webhook = "webhook"
    public static let sendmail = "sendmail"
    public static let log = "log"
    public static let all = [webhook, sendmail, log]
}
