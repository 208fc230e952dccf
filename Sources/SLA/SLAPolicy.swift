import Domain

/// One step of escalation: who is told once the SLA has been broken for `afterWorkingSeconds`.
public struct EscalationRung: Codable, Sendable, Hashable {
    public var afterWorkingSeconds: Int
    /// The role told: "supervisor" (of the agency), "mpp_admin" (of the kab/kota), "ministry".
    public var role: String

    public init(afterWorkingSeconds: Int, role: String) {
        self.afterWorkingSeconds = afterWorkingSeconds
        self.role = role
    }
}

/// When to warn and whom to escalate to, as data.
public struct SLAPolicy: Codable, Sendable, Hashable {
    /// Share of the budget after which `sla.warning` is sent (default 75%).
    public var warningShare: Double
    /// Rungs in order; each fires once.
    public var rungs: [EscalationRung]

    public init(warningShare: Double = 0.75, rungs: [EscalationRung]) {
        self.warningShare = warningShare
        self.rungs = rungs
    }

    /// The policy when ops have stored none (`EscalationRule.standard`): breach → supervisor of
    /// the agency at once; two working days later → the MPP admin.
    public static func standard(hoursPerDay: Int = 8) -> SLAPolicy {
        EscalationRule.standard.policy(hoursPerDay: hoursPerDay)
    }
}

/// What a workflow does when its SLA runs out unanswered (e.g. health-worker practice permits
/// are issued automatically: `on_sla_expiry` in the catalog's workflow).
public struct ExpiryRule: Codable, Sendable, Hashable {
    public var fromStates: Set<String>
    public var action: String

    public init(fromStates: Set<String>, action: String) {
        self.fromStates = fromStates
        self.action = action
    }
}
