/// Data of the events the sla service publishes (the contract with applications and
/// notifications). Times are RFC 3339 strings in UTC.
public enum SLAEvents {
    /// `sla.deadline_set`: the deadline is known or changed (nil while paused or finished).
    public struct DeadlineSet: Codable, Sendable, Equatable {
        public var tracking_number: String
        public var deadline: String?
        public var paused: Bool
        public init(tracking_number: String, deadline: String?, paused: Bool) {
            self.tracking_number = tracking_number
            self.deadline = deadline
            self.paused = paused
        }
    }

    /// `sla.warning`, `sla.breached`, `sla.met`, `sla.missed`, `sla.escalated`.
    public struct Fact: Codable, Sendable, Equatable {
        public var tracking_number: String
        public var citizen: String
        public var service: String
        public var region: String
        public var agency: String
        public var claimed_by: String?
        /// When it happened (its true time, even when detected after downtime).
        public var at: String
        public var deadline: String?
        /// Share of the budget used when it happened.
        public var budget_used: Double?
        /// `sla.escalated`: the rung (0, 1, …) and the role told.
        public var rung: Int?
        public var role: String?

        public init(tracking_number: String, citizen: String, service: String, region: String, agency: String,
                    claimed_by: String?, at: String, deadline: String?, budget_used: Double?, rung: Int? = nil, role: String? = nil) {
            self.tracking_number = tracking_number
            self.citizen = citizen
            self.service = service
            self.region = region
            self.agency = agency
            self.claimed_by = claimed_by
            self.at = at
            self.deadline = deadline
            self.budget_used = budget_used
            self.rung = rung
            self.role = role
        }
    }

    /// `sla.expired`: the SLA ran out in a state whose workflow acts automatically; the
    /// applications service takes `action` exactly once (it consumes this event durably).
    public struct Expired: Codable, Sendable, Equatable {
        public var tracking_number: String
        public var action: String
        public var at: String
        public init(tracking_number: String, action: String, at: String) {
            self.tracking_number = tracking_number
            self.action = action
            self.at = at
        }
    }
}
