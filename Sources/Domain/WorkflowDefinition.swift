/// A workflow as data: the states an application of a service goes through, the actions that
/// move it (who may take them: role + agency scope), the states that pause the SLA clock
/// (waiting on the citizen) and the terminal states. Served inside `catalog.services.get`.
public struct WorkflowDefinition: Codable, Sendable, Hashable {
    /// An agency value meaning "the agency whose step the application is in" (cross-agency flows).
    public static let stepAgency = "any-step-agency"
    /// Automatic actions an `on_sla_expiry` rule may name besides the workflow's own actions,
    /// with the state they lead to.
    public static let automaticActions = ["auto_approve": "approved"]

    public var id: String
    /// Set by the catalog: each change of a workflow makes a new version.
    public var version: Int?
    public var description: String?
    /// Where an application starts; default the first of `states`.
    public var initial: String?
    public var states: [String]
    public var paused_states: [String]
    public var terminal_states: [String]
    public var actions: [WorkflowAction]
    public var on_sla_expiry: SLAExpiryRule?

    public init(id: String, version: Int? = nil, description: String? = nil, initial: String? = nil, states: [String],
                paused_states: [String] = [], terminal_states: [String], actions: [WorkflowAction], on_sla_expiry: SLAExpiryRule? = nil) {
        self.id = id
        self.version = version
        self.description = description
        self.initial = initial
        self.states = states
        self.paused_states = paused_states
        self.terminal_states = terminal_states
        self.actions = actions
        self.on_sla_expiry = on_sla_expiry
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        version = try container.decodeIfPresent(Int.self, forKey: .version)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        initial = try container.decodeIfPresent(String.self, forKey: .initial)
        states = try container.decode([String].self, forKey: .states)
        paused_states = try container.decodeIfPresent([String].self, forKey: .paused_states) ?? []
        terminal_states = try container.decode([String].self, forKey: .terminal_states)
        actions = try container.decode([WorkflowAction].self, forKey: .actions)
        on_sla_expiry = try container.decodeIfPresent(SLAExpiryRule.self, forKey: .on_sla_expiry)
    }

    /// The state a new application is in.
    public var initialState: String { initial ?? states.first ?? "" }

    public func isTerminal(_ state: String) -> Bool { terminal_states.contains(state) }

    /// Whether the SLA clock stands still in `state`.
    public func isPaused(_ state: String) -> Bool { paused_states.contains(state) }

    /// The actions that may be taken in `state`.
    public func actions(from state: String) -> [WorkflowAction] { actions.filter { $0.from.contains(state) } }

    /// The action named `name` that may be taken in `state`.
    public func action(_ name: String, from state: String) -> WorkflowAction? {
        actions.first { $0.action == name && $0.from.contains(state) }
    }

    /// Every state → the states one step away (actions and the SLA-expiry rule).
    public var edges: [String: Set<String>] {
        var edges: [String: Set<String>] = [:]
        for action in actions { for from in action.from { edges[from, default: []].insert(action.to) } }
        if let rule = on_sla_expiry, let to = expiryTarget(rule) {
            for from in rule.from { edges[from, default: []].insert(to) }
        }
        return edges
    }

    func expiryTarget(_ rule: SLAExpiryRule) -> String? {
        Self.automaticActions[rule.action] ?? actions.first { $0.action == rule.action }?.to
    }

    /// States reachable from the initial state.
    public var reachableStates: Set<String> { Self.closure(from: [initialState], edges: edges) }

    static func closure(from start: Set<String>, edges: [String: Set<String>]) -> Set<String> {
        var seen = start, frontier = Array(start)
        while let state = frontier.popLast() {
            for next in edges[state] ?? [] where seen.insert(next).inserted { frontier.append(next) }
        }
        return seen
    }

    /// Structural problems keyed by property (`PREFIX.states`, `PREFIX.actions[2].to`…); empty when sound:
    /// known states everywhere, every state reachable from the initial one, a terminal state
    /// reachable from every state, no action out of a terminal state.
    public func problems(prefix: String = "workflow") -> [String: String] {
        var problems: [String: String] = [:]
        let known = Set(states)
        if id.isEmpty { problems["\(prefix).id"] = "wajib diisi (required)" }
        if states.isEmpty { problems["\(prefix).states"] = "wajib diisi (required)" }
        if known.count != states.count { problems["\(prefix).states"] = "status ganda (duplicate states)" }
        if !known.contains(initialState) { problems["\(prefix).initial"] = "bukan status yang dikenal (unknown state)" }
        if terminal_states.isEmpty { problems["\(prefix).terminal_states"] = "minimal satu status akhir (at least one)" }
        for (name, list) in [("terminal_states", terminal_states), ("paused_states", paused_states)] {
            let unknown = list.filter { !known.contains($0) }
            if !unknown.isEmpty { problems["\(prefix).\(name)"] = "status tidak dikenal: " + unknown.joined(separator: ", ") }
        }
        if let paused = paused_states.first(where: isTerminal) {
            problems["\(prefix).paused_states"] = "\(paused) adalah status akhir (terminal state cannot pause)"
        }
        var names: [String: Int] = [:]
        for (index, action) in actions.enumerated() {
            let at = "\(prefix).actions[\(index)]"
            if action.action.isEmpty { problems["\(at).action"] = "wajib diisi (required)" }
            if action.from.isEmpty { problems["\(at).from"] = "wajib diisi (required)" }
            let unknown = action.from.filter { !known.contains($0) }
            if !unknown.isEmpty { problems["\(at).from"] = "status tidak dikenal: " + unknown.joined(separator: ", ") }
            if let terminal = action.from.first(where: isTerminal) {
                problems["\(at).from"] = "\(terminal) adalah status akhir (no action leaves a terminal state)"
            }
            if !known.contains(action.to) { problems["\(at).to"] = "status tidak dikenal: \(action.to)" }
            if action.role.isEmpty { problems["\(at).role"] = "wajib diisi (required)" }
            for from in action.from {
                if let other = names["\(action.action)|\(from)"] {
                    problems["\(at).action"] = "sama dengan actions[\(other)] dari \(from) (ambiguous action)"
                }
                names["\(action.action)|\(from)"] = index
            }
        }
        if let rule = on_sla_expiry {
            if expiryTarget(rule).map(known.contains) != true {
                problems["\(prefix).on_sla_expiry.action"] = "bukan aksi workflow atau aksi otomatis yang dikenal (unknown action)"
            }
            let unknown = rule.from.filter { !known.contains($0) }
            if rule.from.isEmpty || !unknown.isEmpty { problems["\(prefix).on_sla_expiry.from"] = "status tidak dikenal atau kosong" }
        }
        guard problems.isEmpty else { return problems }
        let edges = edges
        let unreachable = states.filter { !reachableStates.contains($0) }
        if !unreachable.isEmpty {
            problems["\(prefix).states"] = "tidak dapat dicapai dari \(initialState) (unreachable): " + unreachable.joined(separator: ", ")
        }
        let stuck = states.filter { !isTerminal($0) && Self.closure(from: [$0], edges: edges).isDisjoint(with: terminal_states) }
        if !stuck.isEmpty {
            problems["\(prefix).terminal_states"] = "tidak ada jalan ke status akhir dari (dead end): " + stuck.joined(separator: ", ")
        }
        return problems
    }
}

/// One action of a workflow: from which states, to which, and who may take it.
public struct WorkflowAction: Codable, Sendable, Hashable {
    public var action: String
    public var from: [String]
    public var to: String
    /// A role name (`citizen`, `officer`, `supervisor`, `mpp_admin`, …).
    public var role: String
    /// The agency whose staff may take it (`any-step-agency`: the agency of the current step); nil for citizens.
    public var agency: String?
    public var note_required: Bool?
    public var output_required: Bool?

    public init(action: String, from: [String], to: String, role: String, agency: String? = nil,
                note_required: Bool? = nil, output_required: Bool? = nil) {
        self.action = action
        self.from = from
        self.to = to
        self.role = role
        self.agency = agency
        self.note_required = note_required
        self.output_required = output_required
    }
}

/// What happens when the SLA runs out in one of `from` (e.g. the health-worker permit is issued
/// automatically): `action` is one of the workflow's actions or an automatic one (`auto_approve`).
public struct SLAExpiryRule: Codable, Sendable, Hashable {
    public var from: [String]
    public var action: String

    public init(from: [String], action: String) {
        self.from = from
        self.action = action
    }
}
