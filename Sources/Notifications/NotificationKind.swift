/// What a notification is about: the event type it comes from, or a derived kind where one
/// event tells several people different things. Each kind has its own templates and the
/// placeholders its templates may use.
public enum NotificationKind: String, Codable, Sendable, CaseIterable {
    case welcome = "identity.citizen_registered"
    case submitted = "application.submitted"
    case statusChanged = "application.status_changed"
    /// SKM invitation after completion (bulk lane).
    case surveyInvitation = "survey.invitation"
    case slaWarning = "sla.warning"
    /// To the officer who claimed it and the agency's supervisors.
    case slaBreached = "sla.breached"
    /// To the citizen: an apology.
    case slaBreachedCitizen = "sla.breached.citizen"
    case slaEscalated = "sla.escalated"
    /// To the owner of an account that saw a burst of wrong passwords.
    case loginAttack = "identity.login_attack_suspected"

    /// Placeholders its templates may use.
    public var placeholders: Set<String> {
        let application: Set<String> = ["tracking_number", "service", "region", "agency", "state", "state_code", "time"]
        let sla: Set<String> = ["tracking_number", "service", "region", "agency", "deadline", "at", "budget_used", "claimed_by"]
        switch self {
        case .welcome: return ["citizen"]
        case .submitted: return application
        case .statusChanged: return application.union(["from_state", "action", "note"])
        case .surveyInvitation: return ["tracking_number", "service", "region", "agency"]
        case .slaWarning, .slaBreached, .slaBreachedCitizen: return sla
        case .slaEscalated: return sla.union(["rung", "role"])
        case .loginAttack: return ["failures", "since", "last_at"]
        }
    }

    /// Bulk for survey invitations, transactional for everything else.
    public var lane: Lane { self == .surveyInvitation ? .bulk : .transactional }
}

/// Languages templates exist in: Bahasa Indonesia (default) and English.
public enum Language: String, Codable, Sendable, CaseIterable {
    case indonesian = "id"
    case english = "en"

    public static let fallback = Language.indonesian
}

/// Human names of workflow states in each language (unknown states read as their code).
public enum StateLabels {
    static let labels: [String: (id: String, en: String)] = [
        "submitted": ("Diajukan", "Submitted"),
        "verified": ("Terverifikasi", "Verified"),
        "checked": ("Diperiksa", "Checked"),
        "processing": ("Diproses", "Being processed"),
        "technical_review": ("Telaah teknis", "Technical review"),
        "revision_requested": ("Perlu perbaikan dari Anda", "Revision requested from you"),
        "approved": ("Disetujui", "Approved"),
        "completed": ("Selesai", "Completed"),
        "rejected": ("Ditolak", "Rejected"),
        "cancelled": ("Dibatalkan", "Cancelled"),
    ]

    public static func label(_ state: String, _ language: Language) -> String {
        guard let pair = labels[state] else { return state.replacingOccurrences(of: "_", with: " ") }
        return language == .english ? pair.en : pair.id
    }
}
