import Domain
import Foundation
import Store
import Support

/// One escalation step as ops write it: whom to tell, and after how much working time past the
/// breach (in working hours or working days of the kab/kota's own calendar).
public struct EscalationStep: Codable, Sendable, Equatable {
    public var role: String
    public var after_working_hours: Double?
    public var after_working_days: Double?

    public init(role: String, afterWorkingHours: Double? = nil, afterWorkingDays: Double? = nil) {
        self.role = role
        after_working_hours = afterWorkingHours
        after_working_days = afterWorkingDays
    }

    /// The delay in working seconds for a calendar whose day is `hoursPerDay` long.
    func seconds(hoursPerDay: Int) -> Int {
        let hours = after_working_hours ?? (after_working_days ?? 0) * Double(hoursPerDay)
        return Int((hours * 3600).rounded())
    }
}

/// When to warn and whom to escalate to, for a kab/kota, a province or everyone (`*`): what ops
/// edit with `sla.policies.update`. A clock keeps the policy it started under.
public struct EscalationRule: Codable, Sendable, Equatable {
    public var warning_share: Double
    public var steps: [EscalationStep]

    public init(warningShare: Double, steps: [EscalationStep]) {
        warning_share = warningShare
        self.steps = steps
    }

    /// Without any rule stored: warn at 75%; at the breach the agency's supervisor, two working days later the MPP admin.
    public static let standard = EscalationRule(warningShare: 0.75, steps: [
        EscalationStep(role: "supervisor", afterWorkingHours: 0), EscalationStep(role: "mpp_admin", afterWorkingDays: 2),
    ])

    public static let roles: Set<String> = ["supervisor", "mpp_admin", "ministry"]

    func policy(hoursPerDay: Int) -> SLAPolicy {
        SLAPolicy(warningShare: warning_share,
                  rungs: steps.map { EscalationRung(afterWorkingSeconds: $0.seconds(hoursPerDay: hoursPerDay), role: $0.role) })
    }

    /// Every problem of a rule, by field (`steps[1].role`…); empty when it is valid.
    public var problems: [String: String] {
        var problems: [String: String] = [:]
        if !(0.05...0.95).contains(warning_share) { problems["warning_share"] = "harus 0.05–0.95 (share of the budget)" }
        if steps.isEmpty || steps.count > 5 { problems["steps"] = "1–5 langkah (steps)" }
        var previous = -1.0
        for (index, step) in steps.enumerated() {
            let at = "steps[\(index)]"
            if !Self.roles.contains(step.role) { problems["\(at).role"] = "harus supervisor, mpp_admin atau ministry" }
            switch (step.after_working_hours, step.after_working_days) {
            case (let hours?, nil) where (0...240).contains(hours): previous = check(hours, after: previous, at, &problems)
            case (nil, let days?) where (0...30).contains(days): previous = check(days * 8, after: previous, at, &problems)
            default: problems[at] = "after_working_hours 0–240 atau after_working_days 0–30, salah satu (exactly one)"
            }
        }
        return problems
    }

    /// Steps come in order of their delay (a working day counted as 8 hours for the comparison).
    private func check(_ hours: Double, after previous: Double, _ at: String, _ problems: inout [String: String]) -> Double {
        if hours < previous { problems[at] = "langkah harus berurutan menurut waktunya (steps in order of delay)" }
        return max(hours, previous)
    }

    /// Whether `region` can carry a rule: `*`, a province (`NN`) or a kab/kota (`NN.NN`).
    public static func isRuleRegion(_ region: String) -> Bool {
        if region == "*" { return true }
        guard let code = RegionCode(region) else { return false }
        return code.value == region && (code.level == .province || code.level == .regency)
    }
}

/// The stored rules in memory, read by the event follower on every new clock.
public final class PolicyBook: Sendable {
    private let rules = Mutexed<[String: EscalationRule]>([:])

    public init() {}

    /// Reads every stored rule (at start and after each change, inside that transaction).
    func load(_ db: Database) throws {
        var loaded: [String: EscalationRule] = [:]
        for row in try db.query("SELECT region, rule FROM escalation_policies") {
            if let region = row.string("region"), let text = row.string("rule"),
               let rule = try? JSON.decode(EscalationRule.self, from: Array(text.utf8)) {
                loaded[region] = rule
            }
        }
        rules.set(loaded)
    }

    /// The rule for a kab/kota: its own, else its province's, else everyone's, else the standard one.
    public func rule(for region: String) -> (rule: EscalationRule, source: String) {
        let stored = rules.get()
        for candidate in [region, String(region.prefix(2)), "*"] {
            if let rule = stored[candidate] { return (rule, candidate) }
        }
        return (.standard, "standard")
    }

    func policy(for region: String, calendar: BusinessCalendar) -> SLAPolicy {
        rule(for: region).rule.policy(hoursPerDay: calendar.hours.length / 3600)
    }
}
