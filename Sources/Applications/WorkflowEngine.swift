import Domain
import ServiceKit

/// Who takes an action: a token's holder, or the platform itself (automatic SLA actions).
public struct Actor: Sendable, Equatable {
    public var id: String
    /// `citizen`, `officer`, `supervisor`, `mpp_admin`, `ministry`, `ops` or `system`.
    public var role: String
    public var agency: String?
    public var region: String?

    public init(id: String, role: String, agency: String? = nil, region: String? = nil) {
        self.id = id
        self.role = role
        self.agency = agency
        self.region = region
    }

    public init(_ claims: AccessClaims) {
        self.init(id: claims.sub, role: claims.role.rawValue, agency: claims.agency, region: claims.region)
    }

    /// The platform, taking a workflow's `on_sla_expiry` action.
    public static let system = Actor(id: "system", role: "system")

    public var isStaff: Bool { role == "officer" || role == "supervisor" || role == "mpp_admin" }
}

/// Why the workflow refuses a command. `ApplicationsService` maps it to an MPP/1 error.
public enum WorkflowRefusal: Error, Sendable, Equatable {
    /// No action of that name in this workflow.
    case unknownAction(String, known: [String])
    /// The actor may not take this action on this application.
    case notPermitted(String)
    /// The action exists but not from the current state.
    case notAllowedInState(action: String, state: String, allowed: [String])
    /// A required input is missing (`note`, `output`).
    case missing(field: String, reason: String)
    /// The application moved on since the caller looked at it.
    case conflict(state: String, version: Int)
    /// Another officer has claimed it.
    case claimedByOther(String)
    /// Nothing can happen to a finished application.
    case finished(String)
}

/// The application's workflow as a pure state machine: the definition from the catalog (the
/// version the application was filed under), the current state, its version (bumped by every
/// transition, for optimistic concurrency) and who has claimed it. `handle` checks role,
/// agency and region scope, the state, the required note/output, and returns what happened.
public struct ApplicationWorkflow: Sendable, Equatable {
    public let definition: WorkflowDefinition
    /// The service's own agency and the others with a step in it.
    public let agency: String
    public let alsoInvolves: [String]
    public let owner: String
    /// Kab/kota code of the application.
    public let region: String
    public private(set) var state: String
    public private(set) var version: Int
    public private(set) var claimedBy: String?

    public init(definition: WorkflowDefinition, agency: String, alsoInvolves: [String], owner: String, region: String,
                state: String, version: Int, claimedBy: String?) {
        self.definition = definition
        self.agency = agency
        self.alsoInvolves = alsoInvolves
        self.owner = owner
        self.region = region
        self.state = state
        self.version = version
        self.claimedBy = claimedBy
    }

    public enum Command: Sendable {
        case act(action: String, by: Actor, note: String?, output: String?, expectedVersion: Int?)
        /// `sla.expired`: the SLA ran out; take the workflow's automatic action if still due.
        case slaExpired(action: String)
        case claim(by: Actor, force: Bool)
        case unclaim(by: Actor)
    }

    /// A state change.
    public struct Transition: Sendable, Equatable {
        public var action: String
        public var from: String
        public var to: String
        public var actor: Actor
        public var note: String?
        public var output: String?
        public var paused: Bool
        public var terminal: Bool
    }

    public enum Effect: Sendable, Equatable {
        case transitioned(Transition)
        /// The claim changed (nil: released).
        case claimChanged(String?)
        /// Nothing to do (an SLA expiry after the application moved on, an unclaim of nothing).
        case none
    }

    public var isTerminal: Bool { definition.isTerminal(state) }

    /// Every agency whose officers take part.
    public var agencies: [String] { [agency] + alsoInvolves.filter { $0 != agency } }

    public mutating func handle(_ command: Command) throws(WorkflowRefusal) -> Effect {
        switch command {
        case .act(let name, let actor, let note, let output, let expectedVersion):
            return .transitioned(try act(name, actor, note: note, output: output, expectedVersion: expectedVersion))
        case .slaExpired(let name):
            guard let rule = definition.on_sla_expiry, rule.action == name, rule.from.contains(state),
                  let to = WorkflowDefinition.automaticActions[name] ?? definition.action(name, from: state)?.to else { return .none }
            return .transitioned(move(WorkflowAction(action: name, from: [state], to: to, role: "system"), by: .system,
                                      note: "otomatis: batas waktu layanan habis (automatic: the SLA ran out)", output: nil))
        case .claim(let actor, let force):
            guard !isTerminal else { throw .finished(state) }
            guard actor.role == "officer" || actor.role == "supervisor", involves(actor) else {
                throw .notPermitted("hanya petugas instansi terkait di kab/kota ini yang dapat mengklaim (officers in scope only)")
            }
            if let holder = claimedBy, holder != actor.id, !(force && actor.role == "supervisor") { throw .claimedByOther(holder) }
            guard claimedBy != actor.id else { return .none }
            claimedBy = actor.id
            return .claimChanged(actor.id)
        case .unclaim(let actor):
            guard let holder = claimedBy else { return .none }
            guard holder == actor.id || (actor.role == "supervisor" && involves(actor)) else { throw .claimedByOther(holder) }
            claimedBy = nil
            return .claimChanged(nil)
        }
    }

    /// The actions `actor` may take now (for front ends).
    public func allowedActions(for actor: Actor) -> [String] {
        guard claimedBy == nil || claimedBy == actor.id || actor.role != "officer" else { return [] }
        return definition.actions(from: state).filter { permits($0, actor) }.map(\.action)
    }

    private mutating func act(_ name: String, _ actor: Actor, note: String?, output: String?,
                              expectedVersion: Int?) throws(WorkflowRefusal) -> Transition {
        let named = definition.actions.filter { $0.action == name }
        guard let candidate = named.first(where: { $0.from.contains(state) }) ?? named.first else {
            throw .unknownAction(name, known: Array(Set(definition.actions.map(\.action))).sorted())
        }
        guard permits(candidate, actor) else { throw .notPermitted(refusalReason(candidate, actor)) }
        if let expectedVersion, expectedVersion != version { throw .conflict(state: state, version: version) }
        guard !isTerminal else { throw .finished(state) }
        guard let action = definition.action(name, from: state) else {
            throw .notAllowedInState(action: name, state: state, allowed: allowedActions(for: actor))
        }
        if actor.role == "officer", let holder = claimedBy, holder != actor.id { throw .claimedByOther(holder) }
        if action.note_required == true, note.map(Self.isBlank) ?? true {
            throw .missing(field: "note", reason: "wajib diisi untuk \(name) (a note is required)")
        }
        if action.output_required == true, output.map(Self.isBlank) ?? true {
            throw .missing(field: "output", reason: "wajib diisi untuk \(name): nomor/rujukan dokumen hasil (output reference required)")
        }
        return move(action, by: actor, note: note, output: output)
    }

    private mutating func move(_ action: WorkflowAction, by actor: Actor, note: String?, output: String?) -> Transition {
        let from = state
        state = action.to
        version += 1
        return Transition(action: action.action, from: from, to: action.to, actor: actor, note: note, output: output,
                          paused: definition.isPaused(action.to), terminal: definition.isTerminal(action.to))
    }

    /// Role + agency + region: the citizen who owns it for citizen actions; for staff actions an
    /// officer (or a supervisor, who may do what officers do) of the action's agency in the
    /// application's kab/kota. `any-step-agency`: any agency that takes part in the service.
    func permits(_ action: WorkflowAction, _ actor: Actor) -> Bool {
        switch action.role {
        case "citizen":
            return actor.role == "citizen" && actor.id == owner
        case "officer":
            guard actor.role == "officer" || actor.role == "supervisor" else { return false }
        default:
            guard actor.role == action.role else { return false }
        }
        guard covers(actor) else { return false }
        switch action.agency {
        case nil: return actor.agency == agency
        case WorkflowDefinition.stepAgency?: return actor.agency.map(agencies.contains) ?? false
        case let required?: return actor.agency == required
        }
    }

    func involves(_ actor: Actor) -> Bool { covers(actor) && (actor.agency.map(agencies.contains) ?? false) }

    func covers(_ actor: Actor) -> Bool {
        guard let own = actor.region, !own.isEmpty else { return false }
        return region == own || region.hasPrefix(own + ".")
    }

    private func refusalReason(_ action: WorkflowAction, _ actor: Actor) -> String {
        if action.role == "citizen" { return "hanya pemohon yang dapat melakukan \(action.action) (only the applicant)" }
        let agencyText = action.agency == WorkflowDefinition.stepAgency ? agencies.joined(separator: "/") : (action.agency ?? agency)
        return "\(action.action) hanya untuk \(action.role) \(agencyText) di \(region) (only \(action.role) of \(agencyText) in \(region))"
    }

    static func isBlank(_ text: String) -> Bool { text.allSatisfy(\.isWhitespace) }
}
