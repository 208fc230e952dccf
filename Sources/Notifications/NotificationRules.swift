import Bus
import Domain
import ServiceKit
import Support

/// One notification to make: for whom, of which kind, and the values its templates fill in.
public struct Intent: Sendable, Equatable {
    public var recipient: Recipient
    public var kind: NotificationKind
    /// Placeholder values; `state_code`/`from_state_code` are turned into labels per language.
    public var values: [String: String]
    /// What it is about (a tracking number), shown in the inbox.
    public var reference: String?
    /// A language the event says the person prefers (used when they have set none).
    public var languageHint: Language?

    public init(recipient: Recipient, kind: NotificationKind, values: [String: String], reference: String?,
                languageHint: Language? = nil) {
        self.recipient = recipient
        self.kind = kind
        self.values = values
        self.reference = reference
        self.languageHint = languageHint
    }
}

/// Which events notify whom, as a table:
///
/// | event | recipients | kind | lane |
/// |---|---|---|---|
/// | `identity.citizen_registered` | the citizen | welcome | transactional |
/// | `application.submitted` | the citizen | receipt | transactional |
/// | `application.status_changed` | the citizen | status | transactional |
/// | … into a survey state (`completed`) | the citizen | `survey.invitation` | bulk |
/// | `sla.warning` | `claimed_by` + the agency's supervisors | warning | transactional |
/// | `sla.breached` | `claimed_by` + the agency's supervisors; the citizen (apology) | breach | transactional |
/// | `sla.escalated` | the rung's role in the scope of the application | escalation | transactional |
/// | `identity.login_attack_suspected` | the account's owner | someone is trying their password | transactional |
public struct NotificationRules: Sendable {
    /// States whose arrival invites the citizen to the SKM survey.
    public var surveyStates: Set<String>

    public init(surveyStates: Set<String> = ["completed"]) { self.surveyStates = surveyStates }

    /// Event type prefixes to follow, per publishing service.
    public static let subscriptions: [(service: String, topics: [String])] = [
        ("applications", ["application.submitted", "application.status_changed"]),
        ("sla", ["sla.warning", "sla.breached", "sla.escalated"]),
        ("identity", ["identity.citizen_registered", "identity.profile_updated", IdentityEvents.LoginAttackSuspected.type]),
    ]

    /// The notifications an event asks for (none for event types without a rule). Throws when
    /// the event's data does not match its contract.
    public func intents(topic: String, event: CloudEvent) throws -> [Intent] {
        switch topic {
        case "identity.citizen_registered":
            let data = try event.decodeData(CitizenRegistered.self)
            return [Intent(recipient: .person(data.sub), kind: .welcome, values: ["citizen": data.sub], reference: nil,
                           languageHint: data.language.flatMap(Language.init(rawValue:)))]
        case "application.submitted":
            let data = try event.decodeData(ApplicationEvents.Submitted.self)
            let values = ["tracking_number": data.tracking_number, "service": data.service, "region": data.region,
                          "agency": data.agency, "state_code": data.state, "time": LocalTime.format(data.submitted_at, region: data.region)]
            return [Intent(recipient: .person(data.citizen), kind: .submitted, values: values, reference: data.tracking_number,
                           languageHint: data.language.flatMap(Language.init(rawValue:)))]
        case "application.status_changed":
            return statusChanged(try event.decodeData(ApplicationEvents.StatusChanged.self))
        case "sla.warning", "sla.breached", "sla.escalated":
            return sla(topic, try event.decodeData(SLAEvents.Fact.self))
        case IdentityEvents.LoginAttackSuspected.type:
            return [loginAttack(try event.decodeData(IdentityEvents.LoginAttackSuspected.self))]
        default:
            return []
        }
    }

    func statusChanged(_ data: ApplicationEvents.StatusChanged) -> [Intent] {
        let values = ["tracking_number": data.tracking_number, "service": data.service, "region": data.region,
                      "agency": data.agency, "state_code": data.to, "from_state_code": data.from, "action": data.action,
                      "note": data.note ?? "", "time": LocalTime.format(data.time, region: data.region)]
        var intents = [Intent(recipient: .person(data.citizen), kind: .statusChanged, values: values, reference: data.tracking_number)]
        if surveyStates.contains(data.to) {
            intents.append(Intent(recipient: .person(data.citizen), kind: .surveyInvitation, values: values, reference: data.tracking_number))
        }
        return intents
    }

    /// Tells the owner someone keeps trying their password (times in their kab/kota's zone).
    func loginAttack(_ data: IdentityEvents.LoginAttackSuspected) -> Intent {
        let region = data.region ?? ""
        let values = ["failures": String(data.failures), "since": LocalTime.format(data.since, region: region),
                      "last_at": LocalTime.format(data.last_at, region: region)]
        return Intent(recipient: .person(data.sub), kind: .loginAttack, values: values, reference: nil)
    }

    func sla(_ topic: String, _ fact: SLAEvents.Fact) -> [Intent] {
        var values = ["tracking_number": fact.tracking_number, "service": fact.service, "region": fact.region,
                      "agency": fact.agency, "at": LocalTime.format(fact.at, region: fact.region),
                      "deadline": fact.deadline.map { LocalTime.format($0, region: fact.region) } ?? "-",
                      "budget_used": fact.budget_used.map { "\(Int(($0 * 100).rounded()))%" } ?? "-",
                      "claimed_by": fact.claimed_by ?? "-"]
        let supervisors = Recipient.role(Role.supervisor.rawValue, agency: fact.agency, region: fact.region)
        var staff: [Recipient] = []
        if let officer = fact.claimed_by, !officer.isEmpty { staff.append(.person(officer)) }
        staff.append(supervisors)
        func notify(_ recipients: [Recipient], _ kind: NotificationKind) -> [Intent] {
            recipients.map { Intent(recipient: $0, kind: kind, values: values, reference: fact.tracking_number) }
        }
        switch topic {
        case "sla.warning":
            return notify(staff, .slaWarning)
        case "sla.breached":
            return notify(staff, .slaBreached) + notify([.person(fact.citizen)], .slaBreachedCitizen)
        default:
            let role = fact.role ?? Role.supervisor.rawValue
            values["role"] = role
            values["rung"] = fact.rung.map(String.init) ?? "-"
            return notify([Recipient.role(role, agency: fact.agency, region: fact.region)], .slaEscalated)
        }
    }
}

/// The part of `identity.citizen_registered` notifications needs (identity owns the full type).
struct CitizenRegistered: Codable, Sendable {
    var sub: String
    var language: String?
}
