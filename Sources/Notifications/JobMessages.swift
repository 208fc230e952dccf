import Bus

/// `notifications.jobs.claim`: a worker asks for up to `max` due jobs, leased for `lease_ms`.
public struct ClaimJobs: Codable, Sendable {
    /// The worker's name (its instance), recorded in the delivery history.
    public var worker: String
    /// Default both; transactional is always served first.
    public var lanes: [Lane]?
    /// Worker channels it can deliver (`webhook`, `sendmail`, `log`); default all.
    public var channels: [String]?
    public var max: Int
    public var lease_ms: Int

    public init(worker: String, lanes: [Lane]? = nil, channels: [String]? = nil, max: Int, lease_ms: Int) {
        self.worker = worker
        self.lanes = lanes
        self.channels = channels
        self.max = max
        self.lease_ms = lease_ms
    }
}

/// One leased job: everything a worker needs to deliver it.
public struct ClaimedJob: Codable, Sendable, Equatable {
    /// The notification id: the receiver's deduplication key.
    public var job: Int64
    /// Proof of the lease, sent back with `complete`.
    public var lease: String
    public var attempt: Int
    public var lane: Lane
    /// The worker channel: `webhook`, `sendmail` or `log`.
    public var channel: String
    /// What the recipient chose: `sms`, `whatsapp`, `email`, `log`.
    public var medium: String
    /// Phone number, email address, or recipient id (log).
    public var to: String
    public var recipient: String
    public var language: String
    public var subject: String?
    public var body: String
    public var event_type: String
    public var event_id: String
    public var reference: String?
    public var created_at: String
    public var lease_until: String

    public init(job: Int64, lease: String, attempt: Int, lane: Lane, channel: String, medium: String, to: String, recipient: String,
                language: String, subject: String?, body: String, event_type: String, event_id: String, reference: String?,
                created_at: String, lease_until: String = "") {
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
        self.lease_until = lease_until
    }
}

public struct ClaimedJobs: Codable, Sendable {
    public var jobs: [ClaimedJob]
}

/// `notifications.jobs.complete`: how one attempt ended.
public struct CompleteJob: Codable, Sendable {
    public var job: Int64
    /// The lease from the claim; a report under a lease that was lost (expired and claimed by
    /// another worker) is refused unless it says `delivered`.
    public var lease: String?
    public var outcome: DeliveryOutcome
    public var detail: String?

    public init(job: Int64, lease: String?, outcome: DeliveryOutcome, detail: String?) {
        self.job = job
        self.lease = lease
        self.outcome = outcome
        self.detail = detail
    }
}

/// The job's state after a report.
public struct JobState: Codable, Sendable, Equatable {
    public var job: Int64
    /// `queued` (waiting for a retry), `delivered` or `failed` (dead letter).
    public var state: String
    public var attempts: Int
    public var next_attempt_at: String?

    public init(job: Int64, state: String, attempts: Int, next_attempt_at: String? = nil) {
        self.job = job
        self.state = state
        self.attempts = attempts
        self.next_attempt_at = next_attempt_at
    }
}

/// `notifications.jobs.complete_many`: several reports in one call and one transaction (how
/// the notify worker reports). Each report stands alone: one refused does not refuse the rest.
public struct CompleteJobs: Codable, Sendable {
    public var reports: [CompleteJob]
    public init(reports: [CompleteJob]) { self.reports = reports }
}

/// One report's result: the job's state, or why the report was refused.
public struct ReportResult: Codable, Sendable, Equatable {
    public var job: Int64
    public var state: JobState?
    public var error: RPCError?
}

public struct CompletedJobs: Codable, Sendable {
    public var results: [ReportResult]
}

/// Data of `notification.delivered` and `notification.failed`.
public struct DeliveryEvent: Codable, Sendable, Equatable {
    public var id: Int64
    public var event_id: String
    public var kind: String
    public var recipient: String
    public var channel: String
    public var attempts: Int
    public var reference: String?
    public var reason: String?
}
