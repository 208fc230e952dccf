import Support

/// Where a service is delivered.
public enum ServiceChannel: String, Codable, Sendable, CaseIterable {
    /// At the MPP counter.
    case direct
    /// "Jemput bola": staff come to the citizen.
    case mobile
    /// A self-service kiosk (anjungan mandiri).
    case selfService = "self_service"
    /// Online.
    case electronic

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let channel = ServiceChannel(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "kanal tidak dikenal \"\(text)\": harus " + Self.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        self = channel
    }
}

/// A document the citizen must (or may) upload.
public struct Requirement: Codable, Sendable, Hashable {
    public var key: String
    public var label: String
    public var label_en: String?
    /// Accepted `DocumentType`s.
    public var types: [String]
    public var required: Bool

    public init(key: String, label: String, label_en: String? = nil, types: [String], required: Bool) {
        self.key = key
        self.label = label
        self.label_en = label_en
        self.types = types
        self.required = required
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(String.self, forKey: .key)
        label = try container.decode(String.self, forKey: .label)
        label_en = try container.decodeIfPresent(String.self, forKey: .label_en)
        types = try container.decode([String].self, forKey: .types)
        required = try container.decodeIfPresent(Bool.self, forKey: .required) ?? false
    }
}

/// A service of the catalog, as `catalog.services.get` returns it: `workflow` is the whole
/// `WorkflowDefinition`. In `catalog.services.upsert` the workflow may instead be named by id
/// (`ServiceDraft`, whose `workflow` is a `WorkflowChoice`).
public typealias ServiceDefinition = ServiceSpecification<WorkflowDefinition>

/// A service as given to `catalog.services.upsert`.
public typealias ServiceDraft = ServiceSpecification<WorkflowChoice>

/// A workflow given by id (an existing workflow) or in full (a new or changed one).
public enum WorkflowChoice: Codable, Sendable, Hashable {
    case id(String)
    case definition(WorkflowDefinition)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let id = try? container.decode(String.self) { self = .id(id) } else { self = .definition(try container.decode(WorkflowDefinition.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .id(let id): try container.encode(id)
        case .definition(let workflow): try container.encode(workflow)
        }
    }

    public var id: String {
        switch self {
        case .id(let id): id
        case .definition(let workflow): workflow.id
        }
    }
}

/// Everything about one service: names, agency, fee, SLA, channels, form, required documents,
/// workflow. Generic only over how the workflow is given (see `ServiceDefinition`, `ServiceDraft`).
public struct ServiceSpecification<Workflow: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    public var id: String
    /// Set by the catalog: 1 for the first definition, +1 for each change.
    public var version: Int?
    /// A family of services (`adminduk`, `perizinan-nakes`).
    public var group: String?
    /// The agency type responsible (`disdukcapil`, `dpmptsp`…).
    public var agency: String
    /// Other agency types with a step in the workflow.
    public var also_involves: [String]
    public var name: String
    public var name_en: String
    public var description: String?
    public var description_en: String?
    /// Fee in rupiah; adminduk services are free by law (UU 24/2013 Pasal 79A).
    public var fee_idr: Int
    public var legal_basis: String?
    /// The document the citizen receives.
    public var output: String?
    public var sla: SLA
    public var channels: [ServiceChannel]
    public var workflow: Workflow
    public var form: [FormField]
    public var requirements: [Requirement]
    public var requires_verified_identity: Bool
    /// Extra search words (common spellings, abbreviations).
    public var keywords: [String]
    /// A filled-in form that passes `FormValidator`: for documentation, front ends and tests.
    public var example: [String: JSONValue]?
    /// Retired services stay readable but are not offered or found.
    public var active: Bool
    /// Set by the catalog: when this version was made (RFC 3339) and by whom (token subject or `seed`).
    public var updated_at: String?
    public var changed_by: String?

    public init(id: String, group: String? = nil, agency: String, also_involves: [String] = [], name: String, name_en: String,
                description: String? = nil, description_en: String? = nil, fee_idr: Int, legal_basis: String? = nil,
                output: String? = nil, sla: SLA, channels: [ServiceChannel], workflow: Workflow, form: [FormField],
                requirements: [Requirement], requires_verified_identity: Bool, keywords: [String] = [],
                example: [String: JSONValue]? = nil, active: Bool = true) {
        self.id = id
        self.group = group
        self.agency = agency
        self.also_involves = also_involves
        self.name = name
        self.name_en = name_en
        self.description = description
        self.description_en = description_en
        self.fee_idr = fee_idr
        self.legal_basis = legal_basis
        self.output = output
        self.sla = sla
        self.channels = channels
        self.workflow = workflow
        self.form = form
        self.requirements = requirements
        self.requires_verified_identity = requires_verified_identity
        self.keywords = keywords
        self.example = example
        self.active = active
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        version = try container.decodeIfPresent(Int.self, forKey: .version)
        group = try container.decodeIfPresent(String.self, forKey: .group)
        agency = try container.decode(String.self, forKey: .agency)
        also_involves = try container.decodeIfPresent([String].self, forKey: .also_involves) ?? []
        name = try container.decode(String.self, forKey: .name)
        name_en = try container.decode(String.self, forKey: .name_en)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        description_en = try container.decodeIfPresent(String.self, forKey: .description_en)
        fee_idr = try container.decode(Int.self, forKey: .fee_idr)
        legal_basis = try container.decodeIfPresent(String.self, forKey: .legal_basis)
        output = try container.decodeIfPresent(String.self, forKey: .output)
        sla = try container.decode(SLA.self, forKey: .sla)
        channels = try container.decode([ServiceChannel].self, forKey: .channels)
        workflow = try container.decode(Workflow.self, forKey: .workflow)
        form = try container.decodeIfPresent([FormField].self, forKey: .form) ?? []
        requirements = try container.decodeIfPresent([Requirement].self, forKey: .requirements) ?? []
        requires_verified_identity = try container.decodeIfPresent(Bool.self, forKey: .requires_verified_identity) ?? false
        keywords = try container.decodeIfPresent([String].self, forKey: .keywords) ?? []
        example = try container.decodeIfPresent([String: JSONValue].self, forKey: .example)
        active = try container.decodeIfPresent(Bool.self, forKey: .active) ?? true
        updated_at = try container.decodeIfPresent(String.self, forKey: .updated_at)
        changed_by = try container.decodeIfPresent(String.self, forKey: .changed_by)
    }

    /// The same service with its workflow given another way (e.g. a draft's id resolved to the definition).
    public func with<Other>(workflow: Other) -> ServiceSpecification<Other> {
        var copy = ServiceSpecification<Other>(
            id: id, group: group, agency: agency, also_involves: also_involves, name: name, name_en: name_en,
            description: description, description_en: description_en, fee_idr: fee_idr, legal_basis: legal_basis,
            output: output, sla: sla, channels: channels, workflow: workflow, form: form, requirements: requirements,
            requires_verified_identity: requires_verified_identity, keywords: keywords, example: example, active: active)
        copy.version = version
        copy.updated_at = updated_at
        copy.changed_by = changed_by
        return copy
    }

    /// The validator of this service's form.
    public func formValidator(regionExists: (@Sendable (RegionCode) -> Bool)? = nil, today: CivilDate? = nil) -> FormValidator {
        FormValidator(form, regionExists: regionExists, today: today)
    }
}
