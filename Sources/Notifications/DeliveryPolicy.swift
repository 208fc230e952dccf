import Support

/// The two delivery lanes. Transactional (status alerts, SLA warnings, welcomes) is always
/// served before bulk (survey invitations), so a bulk run never delays an alert by more than
/// the batch a worker already holds.
public enum Lane: String, Codable, Sendable, CaseIterable, Comparable {
    case transactional
    case bulk

    /// Claim order: lower first.
    public var rank: Int { self == .transactional ? 0 : 1 }

    public init?(rank: Int) {
        guard let lane = Self.allCases.first(where: { $0.rank == rank }) else { return nil }
        self = lane
    }

    public static func < (a: Lane, b: Lane) -> Bool { a.rank < b.rank }
}

/// What a worker reports for one delivery attempt (`notifications.jobs.complete`).
public enum DeliveryOutcome: String, Codable, Sendable, CaseIterable {
    case delivered
    /// Timeout, connection refused, HTTP 5xx/408/429: worth another attempt later.
    case temporaryFailure = "temporary_failure"
    /// HTTP 4xx, no such address, no sendmail: another attempt would fail the same way.
    case permanentFailure = "permanent_failure"
}

/// Retries, leases and dead letters as pure decisions (no storage, no clock of its own).
public struct DeliveryPolicy: Sendable, Equatable {
    /// Attempts (claims) after which a job goes to the dead letters.
    public var maxAttempts: Int
    /// Delay before attempt n+1 after a temporary failure of attempt n, in seconds.
    public var backoff: Backoff
    /// Leases workers may ask for, in milliseconds.
    public var leaseRange: ClosedRange<Int>

    public init(maxAttempts: Int = 8, backoff: Backoff = Backoff(initial: 10, multiplier: 2, maximum: 900, jitter: 0.5),
                leaseRange: ClosedRange<Int> = 500...600_000) {
        precondition(maxAttempts >= 1)
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.leaseRange = leaseRange
    }

    /// What becomes of a job.
    public enum Decision: Sendable, Equatable {
        case delivered
        /// Back to the queue, due at this time (seconds since 1970).
        case retry(at: Double)
        /// Dead letter; `notification.failed` is published.
        case deadLetter(reason: String)
    }

    /// After a worker reported `outcome` for attempt number `attempts` (1-based).
    public func afterOutcome(_ outcome: DeliveryOutcome, attempts: Int, detail: String?, now: Double,
                             random: Double = Double.random(in: 0..<1)) -> Decision {
        switch outcome {
        case .delivered:
            return .delivered
        case .permanentFailure:
            return .deadLetter(reason: "permanent failure: " + (detail ?? "no detail"))
        case .temporaryFailure:
            guard attempts < maxAttempts else {
                return .deadLetter(reason: "gave up after \(attempts) attempts: " + (detail ?? "no detail"))
            }
            return .retry(at: now + backoff.delay(attempt: attempts, random: random))
        }
    }

    /// After the lease of attempt number `attempts` ran out without a report (the worker died
    /// or hung): claimable again at once, unless the attempts are used up.
    public func afterLeaseExpired(attempts: Int, now: Double) -> Decision {
        guard attempts < maxAttempts else {
            return .deadLetter(reason: "gave up after \(attempts) attempts: lease expired without a report")
        }
        return .retry(at: now)
    }

    /// Whether a requested lease is acceptable.
    public func acceptsLease(milliseconds: Int) -> Bool { leaseRange.contains(milliseconds) }
}

/// A job that could be handed out now, as the queue sees it.
public struct ClaimCandidate: Sendable, Equatable {
    public var job: Int64
    public var lane: Lane
    public var channel: String
    /// When it became due (seconds since 1970): creation, retry time or lease expiry.
    public var due: Double

    public init(job: Int64, lane: Lane, channel: String, due: Double) {
        self.job = job
        self.lane = lane
        self.channel = channel
        self.due = due
    }
}

/// Picks which due jobs one claim gets: transactional before bulk, oldest due first within a
/// lane, at most `max`, and per channel no more than its rate limit allows right now.
public enum ClaimSelection {
    public static func select(_ candidates: [ClaimCandidate], allowances: [String: Int], max: Int) -> [ClaimCandidate] {
        var left = allowances
        var chosen: [ClaimCandidate] = []
        let ordered = candidates.sorted { ($0.lane.rank, $0.due, $0.job) < ($1.lane.rank, $1.due, $1.job) }
        for candidate in ordered where chosen.count < max {
            guard let allowance = left[candidate.channel], allowance > 0 else { continue }
            left[candidate.channel] = allowance - 1
            chosen.append(candidate)
        }
        return chosen
    }
}
