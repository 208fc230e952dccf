import Notifications

/// How one delivery attempt ended, as reported with `notifications.jobs.complete`.
public struct DeliveryResult: Sendable, Equatable {
    /// The notifications service's own outcome type: the worker reports in its terms.
    public typealias Outcome = DeliveryOutcome

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
    func deliver(_ job: ClaimedJob) async -> DeliveryResult
}
