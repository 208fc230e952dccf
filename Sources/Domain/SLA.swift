/// How long a service may take (a service standard's *jangka waktu*), counted in the unit the
/// standard promises: working days (Mon–Fri minus holidays), working hours (within the site's
/// opening hours) or plain minutes ("15 menit" at a counter).
public struct SLA: Codable, Sendable, Hashable {
    public var value: Int
    public var unit: SLAUnit

    public init(value: Int, unit: SLAUnit) {
        self.value = value
        self.unit = unit
    }

    /// Problems with this SLA, by field (empty when valid).
    public var problems: [String: String] {
        value > 0 && value <= 365 ? [:] : ["sla.value": "harus 1–365 (must be 1–365)"]
    }
}

/// The unit of an SLA.
public enum SLAUnit: String, Codable, Sendable, CaseIterable {
    case workingDays = "working_days"
    case workingHours = "working_hours"
    case minutes
}
