import Notifications
import Support
import Testing

/// Retries, leases, dead letters and the lane order, as pure decisions.
@Suite struct DeliveryPolicyTests {
    let policy = DeliveryPolicy(maxAttempts: 3, backoff: Backoff(initial: 10, multiplier: 2, maximum: 25, jitter: 0.5))

    @Test func deliveredIsFinal() {
        #expect(policy.afterOutcome(.delivered, attempts: 1, detail: "HTTP 200", now: 0) == .delivered)
        #expect(policy.afterOutcome(.delivered, attempts: 3, detail: nil, now: 0) == .delivered, "even on the last attempt")
    }

    @Test func permanentFailureIsADeadLetterAtOnce() {
        #expect(policy.afterOutcome(.permanentFailure, attempts: 1, detail: "HTTP 400", now: 0)
                == .deadLetter(reason: "permanent failure: HTTP 400"))
    }

    @Test func temporaryFailureBacksOffExponentiallyWithJitter() {
        // Ceiling 10, 20, then capped at 25; half of it is jitter.
        #expect(policy.afterOutcome(.temporaryFailure, attempts: 1, detail: nil, now: 1_000, random: 0) == .retry(at: 1_005))
        #expect(policy.afterOutcome(.temporaryFailure, attempts: 1, detail: nil, now: 1_000, random: 0.999_999) == .retry(at: 1_000 + 5 + 5 * 0.999_999))
        #expect(policy.afterOutcome(.temporaryFailure, attempts: 2, detail: nil, now: 1_000, random: 0.5) == .retry(at: 1_015))
        let wide = DeliveryPolicy(maxAttempts: 10, backoff: Backoff(initial: 10, multiplier: 2, maximum: 25, jitter: 0.5))
        #expect(wide.afterOutcome(.temporaryFailure, attempts: 5, detail: nil, now: 0, random: 1) == .retry(at: 25), "capped")
    }

    @Test func temporaryFailureOnTheLastAttemptIsADeadLetter() {
        #expect(policy.afterOutcome(.temporaryFailure, attempts: 3, detail: "HTTP 503", now: 0)
                == .deadLetter(reason: "gave up after 3 attempts: HTTP 503"))
        #expect(policy.afterOutcome(.temporaryFailure, attempts: 4, detail: nil, now: 0)
                == .deadLetter(reason: "gave up after 4 attempts: no detail"))
    }

    @Test func expiredLeaseRequeuesAtOnceUntilAttemptsRunOut() {
        #expect(policy.afterLeaseExpired(attempts: 1, now: 42) == .retry(at: 42))
        #expect(policy.afterLeaseExpired(attempts: 2, now: 42) == .retry(at: 42))
        #expect(policy.afterLeaseExpired(attempts: 3, now: 42)
                == .deadLetter(reason: "gave up after 3 attempts: lease expired without a report"))
    }

    @Test func leaseBounds() {
        #expect(policy.acceptsLease(milliseconds: 500) && policy.acceptsLease(milliseconds: 600_000))
        #expect(!policy.acceptsLease(milliseconds: 499) && !policy.acceptsLease(milliseconds: 600_001))
    }

    @Test func everyOutcomeHasAWireName() {
        #expect(DeliveryOutcome.allCases.map(\.rawValue) == ["delivered", "temporary_failure", "permanent_failure"])
        #expect(Lane.allCases.sorted().map(\.rawValue) == ["transactional", "bulk"])
        #expect(Lane(rank: 0) == .transactional && Lane(rank: 1) == .bulk && Lane(rank: 2) == nil)
    }

    // MARK: claim selection

    func job(_ id: Int64, _ lane: Lane, _ channel: String = "webhook", due: Double) -> ClaimCandidate {
        ClaimCandidate(job: id, lane: lane, channel: channel, due: due)
    }

    @Test func transactionalAlwaysBeforeBulkWhateverTheirAge() {
        let candidates = [job(1, .bulk, due: 1), job(2, .bulk, due: 2), job(3, .transactional, due: 100), job(4, .bulk, due: 3)]
        #expect(ClaimSelection.select(candidates, allowances: ["webhook": 100], max: 2).map(\.job) == [3, 1])
    }

    @Test func oldestDueFirstWithinALaneThenById() {
        let candidates = [job(5, .transactional, due: 9), job(2, .transactional, due: 3), job(9, .transactional, due: 3)]
        #expect(ClaimSelection.select(candidates, allowances: ["webhook": 10], max: 10).map(\.job) == [2, 9, 5])
    }

    @Test func rateLimitPerChannelLetsOtherChannelsThrough() {
        let candidates = [job(1, .transactional, "webhook", due: 1), job(2, .transactional, "webhook", due: 2),
                          job(3, .transactional, "sendmail", due: 3), job(4, .bulk, "webhook", due: 0), job(5, .bulk, "log", due: 0)]
        let chosen = ClaimSelection.select(candidates, allowances: ["webhook": 1, "sendmail": 5, "log": 5], max: 10)
        #expect(chosen.map(\.job) == [1, 3, 5])
    }

    @Test func channelsWithoutAllowanceAndZeroMaxGetNothing() {
        let candidates = [job(1, .transactional, "sendmail", due: 1)]
        #expect(ClaimSelection.select(candidates, allowances: ["webhook": 5], max: 5).isEmpty)
        #expect(ClaimSelection.select(candidates, allowances: ["sendmail": 0], max: 5).isEmpty)
        #expect(ClaimSelection.select(candidates, allowances: ["sendmail": 5], max: 0).isEmpty)
        #expect(ClaimSelection.select([], allowances: ["sendmail": 5], max: 5).isEmpty)
    }

    @Test func aBulkBacklogNeverDelaysAnAlertBeyondOneClaim() {
        var queue = (1...10_000).map { job(Int64($0), .bulk, due: Double($0)) }
        var delivered: [Int64] = []
        var claims = 0
        let alert: Int64 = 99_999
        while !queue.isEmpty {
            claims += 1
            if claims == 3 { queue.append(job(alert, .transactional, due: 50_000)) }
            let batch = ClaimSelection.select(queue, allowances: ["webhook": 1_000], max: 100)
            delivered += batch.map(\.job)
            let taken = Set(batch.map(\.job))
            queue.removeAll { taken.contains($0.job) }
            if taken.contains(alert) { break }
        }
        #expect(claims == 3, "the alert goes out in the first claim after it was queued")
        #expect(delivered.last(where: { $0 != alert }).map { $0 <= 300 } == true)
        #expect(delivered.first { $0 == alert } != nil)
    }
}
