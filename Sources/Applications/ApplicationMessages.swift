import Bus
import Support

// Request and reply bodies of the applications service (docs/protocol.md §applications).
// Property names are the JSON names.

/// `applications.submit`. Needs a citizen token and an `idempotency_key` in the metadata.
public struct SubmitApplication: Codable, Sendable {
    /// Catalog service id, e.g. `ktp-el`.
    public var service: String
    /// Kab/kota code `NN.NN` where the citizen files it.
    public var region: String
    /// Form values by field key; fields left out are pre-filled from the profile where possible.
    public var form: [String: JSONValue]?
    /// Documents by requirement key.
    public var documents: [String: DocumentInput]?

    public init(service: String, region: String, form: [String: JSONValue]? = nil, documents: [String: DocumentInput]? = nil) {
        self.service = service
        self.region = region
        self.form = form
        self.documents = documents
    }
}

/// One document of a submission: a new upload (`attachment`: index of the request's binary
/// frames, 0 = the first frame after the body) or a document already in the citizen's vault.
public struct DocumentInput: Codable, Sendable, Equatable {
    public var attachment: Int?
    public var vault_id: String?
    /// The uploaded file's name (its extension must agree with its content).
    public var name: String?
    /// The declared type (`pdf`, `jpeg`, `png`); must agree with the content.
    public var type: String?

    public init(attachment: Int? = nil, vault_id: String? = nil, name: String? = nil, type: String? = nil) {
        self.attachment = attachment
        self.vault_id = vault_id
        self.name = name
        self.type = type
    }
}

/// A document attached to an application (metadata; the bytes via `applications.documents.get`).
public struct DocumentRef: Codable, Sendable, Equatable {
    public var requirement: String
    public var vault_id: String
    public var type: String
    public var size: Int
    public var name: String?
}

/// The SLA as the `sla` service last reported it.
public struct SLAView: Codable, Sendable, Equatable {
    /// RFC 3339; nil while paused or before `sla` has reported.
    public var due_at: String?
    public var paused: Bool
    public var late: Bool
    public var warned_at: String?
    public var breached_at: String?
}

/// An application as its owner and the staff in scope see it.
public struct ApplicationView: Codable, Sendable, Equatable {
    public var tracking_number: String
    public var citizen: String
    public var service: String
    public var service_version: Int
    public var service_name: String
    public var agency: String
    public var also_involves: [String]
    public var region: String
    public var site: String?
    public var state: String
    /// Bumped by every transition: send it back as `expected_version`.
    public var version: Int
    public var paused: Bool
    public var terminal: Bool
    public var form: [String: JSONValue]
    public var documents: [DocumentRef]
    public var claimed_by: String?
    public var output: String?
    public var sla: SLAView
    public var submitted_at: String
    public var updated_at: String
    /// What the caller may do now.
    public var allowed_actions: [String]
    public var history: [HistoryEntry]
    public var survey_submitted: Bool
    /// Form fields taken from the profile (submit only).
    public var prefilled: [String]?
}

/// A line of `applications.mine` and `applications.queue`.
public struct ApplicationSummary: Codable, Sendable, Equatable {
    public var tracking_number: String
    public var service: String
    public var service_name: String
    public var region: String
    public var state: String
    public var version: Int
    public var claimed_by: String?
    public var due_at: String?
    public var late: Bool
    public var submitted_at: String
    public var updated_at: String
}

/// A page of summaries (docs/protocol.md, "Lists").
public struct ApplicationPage: Codable, Sendable, Equatable {
    public var items: [ApplicationSummary]
    public var page: Int
    public var page_size: Int
    /// Matching applications over all pages.
    public var total: Int
}

/// `applications.track` reply: public, so nothing about the person.
public struct TrackView: Codable, Sendable, Equatable {
    public var tracking_number: String
    public var service: String
    public var service_name: String
    public var status: String
    public var terminal: Bool
    public var submitted_on: String
    public var last_update: String
}

/// Names one application.
public struct TrackingRef: Codable, Sendable {
    public var tracking_number: String
    public init(tracking_number: String) { self.tracking_number = tracking_number }
}

/// `applications.transition`.
public struct TransitionRequest: Codable, Sendable {
    public var tracking_number: String
    public var action: String
    public var note: String?
    /// Reference of the issued document (`complete`).
    public var output: String?
    /// The `version` the caller saw; a different current version gets `aborted`.
    public var expected_version: Int?
    /// `resubmit` only: corrected form values and documents.
    public var form: [String: JSONValue]?
    public var documents: [String: DocumentInput]?

    public init(tracking_number: String, action: String, note: String? = nil, output: String? = nil, expected_version: Int? = nil,
                form: [String: JSONValue]? = nil, documents: [String: DocumentInput]? = nil) {
        self.tracking_number = tracking_number
        self.action = action
        self.note = note
        self.output = output
        self.expected_version = expected_version
        self.form = form
        self.documents = documents
    }
}

/// `applications.claim` / `applications.unclaim`.
public struct ClaimRequest: Codable, Sendable {
    public var tracking_number: String
    /// Supervisors only: take over another officer's claim.
    public var force: Bool?
    public init(tracking_number: String, force: Bool? = nil) {
        self.tracking_number = tracking_number
        self.force = force
    }
}

/// `applications.mine`.
public struct MineRequest: Codable, Sendable, PagedRequest {
    public var status: String?
    public var page: Int?
    public var page_size: Int?
    public init(status: String? = nil, page: Int? = nil, page_size: Int? = nil) {
        self.status = status
        self.page = page
        self.page_size = page_size
    }
}

/// `applications.queue`: open applications of the officer's agency in their kab/kota, most
/// urgent SLA first.
public struct QueueRequest: Codable, Sendable, PagedRequest {
    public var status: String?
    public var service: String?
    public var claimed_by_me: Bool?
    public var unclaimed: Bool?
    public var page: Int?
    public var page_size: Int?
    public init(status: String? = nil, service: String? = nil, claimed_by_me: Bool? = nil, unclaimed: Bool? = nil,
                page: Int? = nil, page_size: Int? = nil) {
        self.status = status
        self.service = service
        self.claimed_by_me = claimed_by_me
        self.unclaimed = unclaimed
        self.page = page
        self.page_size = page_size
    }
}

/// `applications.survey.submit`: the nine SKM elements scored 1–4, in `SKM.elements` order.
public struct SurveyRequest: Codable, Sendable {
    public var tracking_number: String
    public var scores: [Int]
    public var comment: String?
    public init(tracking_number: String, scores: [Int], comment: String? = nil) {
        self.tracking_number = tracking_number
        self.scores = scores
        self.comment = comment
    }
}

public struct SurveyReceipt: Codable, Sendable, Equatable {
    public var tracking_number: String
    public var scores: [Int]
    public var submitted_at: String
}

/// A document in the citizen's vault.
public struct VaultDocument: Codable, Sendable, Equatable {
    /// SHA-256 of the content (hex): the same file is stored once.
    public var vault_id: String
    public var type: String
    public var size: Int
    public var name: String?
    public var created_at: String
    /// Requirements it answered, as `tracking_number/requirement`.
    public var used_in: [String]
}

/// `applications.vault.list`: a page of the citizen's vault, oldest first.
public struct ListVault: Codable, Sendable, PagedRequest {
    public var page: Int?
    public var page_size: Int?
    public init(page: Int? = nil, page_size: Int? = nil) {
        self.page = page
        self.page_size = page_size
    }
}

public struct VaultList: Codable, Sendable, Equatable {
    public var documents: [VaultDocument]
    public var page: Int
    public var page_size: Int
    public var total: Int
}

/// `applications.documents.get`: one document of an application (bytes in the reply's first attachment).
public struct DocumentRequest: Codable, Sendable {
    public var tracking_number: String
    public var requirement: String
    public init(tracking_number: String, requirement: String) {
        self.tracking_number = tracking_number
        self.requirement = requirement
    }
}

/// `applications.audit.verify`: one application, or every one the caller may read.
public struct AuditRequest: Codable, Sendable {
    public var tracking_number: String?
    public init(tracking_number: String? = nil) { self.tracking_number = tracking_number }
}

public struct AuditReport: Codable, Sendable, Equatable {
    public var ok: Bool
    public var applications: Int
    public var entries: Int
    public var problems: [HistoryChain.Break]
}
