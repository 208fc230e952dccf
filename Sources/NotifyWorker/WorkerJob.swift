import Bus

/// A leased job as the worker receives it from `notifications.jobs.claim`.
public struct WorkerJob: Codable, Sendable, Equatable {
    /// The notification id: receivers deduplicate on it.
    public var job: Int64
    public var lease: String
    public var attempt: Int
    public var lane: String
    /// `webhook`, `sendmail` or `log`.
    public var channel: String
    /// `sms`, `whatsapp`, `email` or `log`: what the recipient chose.
    public var medium: String
    public var to: String
    public var recipient: String
    public var language: String
    public var subject: String?
    public var body: String
    public var event_type: String
    public var event_id: String
    public var reference: String?
    public var created_at: String

    public init(job: Int64, lease: String, attempt: Int, lane: String, channel: String, medium: String, to: String, recipient: String,
                language: String, subject: String?, body: String, event_type: String, event_id: String, reference: String?, created_at: String) {
        self.job = job
        self.lease = lease
        self.attempt = attempt
        self.lane = lane
        self.channel = channel
        self.medium = medium
        self.to = to
        self.recipient = recipient
        self.language = language
        self.subject = subject
        self.body = body
        self.event_type = event_type
        self.event_id = event_id
        self.reference = reference
        self.created_at = created_at
    }
}

/// How one delivery attempt ended, as reported with `notifications.jobs.complete`.
public struct DeliveryResult: Sendable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        case delivered
        case temporaryFailure = "temporary_failure"
        case permanentFailure = "permanent_failure"
    }

    public var outcome: Outcome
    public var detail: String

    public init(_ outcome: Outcome, _ detail: String) {
        self.outcome = outcome
        self.detail = detail
    }
}

/// A way out of the platform: webhook, sendmail, log.
public protocol DeliveryChannel: Sendable {
    /// The worker channel name jobs carry.
    var name: String { get }
    /// Delivers one job; never throws: every failure is a temporary or permanent result.
    func deliver(_ job: WorkerJob) async -> DeliveryResult
}

/// Wire bodies of the two worker methods.
struct ClaimRequest: Codable, Sendable {
    var worker: String
    var lanes: [String]?
    var channels: [String]
    var max: Int
    var lease_ms: Int
}

struct ClaimReply: Codable, Sendable {
    var jobs: [WorkerJob]
}

struct CompleteRequest: Codable, Sendable {
    var job: Int64
    var lease: String
    var outcome: DeliveryResult.Outcome
    var detail: String
}

struct CompleteManyRequest: Codable, Sendable {
    var reports: [CompleteRequest]
}

struct CompleteManyReply: Codable, Sendable {
    struct Result: Codable, Sendable {
        var job: Int64
        var error: RPCError?
    }
    var results: [Result]
}
