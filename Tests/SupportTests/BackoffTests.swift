import Support
import Testing

@Suite struct BackoffTests {
    @Test func defaultCeilingsDoubleUpToTheCap() {
        let backoff = Backoff()
        #expect(backoff.initial == 0.5 && backoff.multiplier == 2 && backoff.maximum == 30 && backoff.jitter == 0.5)
        let ceilings = (1...9).map { backoff.ceiling(attempt: $0) }
        #expect(ceilings == [0.5, 1, 2, 4, 8, 16, 30, 30, 30])
    }

    @Test func ceilingGrowsByTheMultiplier() {
        let backoff = Backoff(initial: 0.1, multiplier: 3, maximum: 100, jitter: 0)
        for attempt in 1..<7 {
            let ratio = backoff.ceiling(attempt: attempt + 1) / backoff.ceiling(attempt: attempt)
            #expect(abs(ratio - 3) < 1e-9, "attempt \(attempt)")
        }
        #expect(abs(backoff.ceiling(attempt: 5) - 8.1) < 1e-9)
        #expect(abs(backoff.ceiling(attempt: 6) - 24.3) < 1e-9)
        #expect(abs(backoff.ceiling(attempt: 7) - 72.9) < 1e-9)
        #expect(backoff.ceiling(attempt: 8) == 100)
    }

    @Test func attemptZeroAndOneBothStartAtInitial() {
        let backoff = Backoff(initial: 0.25, multiplier: 2, maximum: 10, jitter: 0)
        #expect(backoff.ceiling(attempt: 1) == 0.25)
        #expect(backoff.ceiling(attempt: 0) == 0.25)
        #expect(backoff.ceiling(attempt: -5) == 0.25)
        #expect(backoff.delay(attempt: 0, random: 0.3) == 0.25)
        #expect(backoff.delay(attempt: 1, random: 0.9) == 0.25)
    }

    @Test func hugeAttemptsStayAtTheCapWithoutOverflow() {
        let backoff = Backoff(initial: 1, multiplier: 10, maximum: 60)
        for attempt in [20, 400, 10_000, Int.max] {
            let ceiling = backoff.ceiling(attempt: attempt)
            #expect(ceiling == 60, "attempt \(attempt)")
            let delay = backoff.delay(attempt: attempt, random: 0.999)
            #expect(delay.isFinite && delay <= 60 && delay >= 30)
        }
    }

    @Test func multiplierOneIsConstant() {
        let backoff = Backoff(initial: 2, multiplier: 1, maximum: 2, jitter: 0)
        #expect((1...50).allSatisfy { backoff.ceiling(attempt: $0) == 2 })
    }

    @Test func deterministicWithAGivenRandom() {
        let backoff = Backoff(initial: 1, multiplier: 2, maximum: 30, jitter: 0.5)
        // ceiling(3) = 4: delay = 4 × 0.5 + 4 × 0.5 × r
        #expect(backoff.delay(attempt: 3, random: 0) == 2)
        #expect(backoff.delay(attempt: 3, random: 0.5) == 3)
        #expect(backoff.delay(attempt: 3, random: 0.25) == 2.5)
        #expect(abs(backoff.delay(attempt: 3, random: 0.999_999) - 4) < 1e-5)
        // Same inputs, same output.
        #expect(backoff.delay(attempt: 4, random: 0.37) == backoff.delay(attempt: 4, random: 0.37))
    }

    @Test func randomOutsideTheUnitIntervalIsClamped() {
        let backoff = Backoff(initial: 1, multiplier: 2, maximum: 30, jitter: 0.5)
        #expect(backoff.delay(attempt: 2, random: -3) == 1)   // as 0 → ceiling × (1 - jitter)
        #expect(backoff.delay(attempt: 2, random: 7) == 2)    // as 1 → ceiling
    }

    @Test func noJitterIsExactlyTheCeiling() {
        let backoff = Backoff(initial: 0.5, multiplier: 2, maximum: 30, jitter: 0)
        for attempt in 1...10 {
            for random in [0.0, 0.3, 0.99] {
                #expect(backoff.delay(attempt: attempt, random: random) == backoff.ceiling(attempt: attempt))
            }
        }
    }

    @Test func fullJitterSpansZeroToTheCeiling() {
        let backoff = Backoff(initial: 1, multiplier: 2, maximum: 30, jitter: 1)
        #expect(backoff.delay(attempt: 4, random: 0) == 0)
        #expect(backoff.delay(attempt: 4, random: 0.5) == 4)
        #expect(backoff.delay(attempt: 4, random: 1) == 8)
    }

    @Test(arguments: [0.0, 0.2, 0.5, 1.0])
    func jitterBoundsWithSystemRandom(jitter: Double) {
        let backoff = Backoff(initial: 0.5, multiplier: 2, maximum: 30, jitter: jitter)
        for attempt in 1...10 {
            let ceiling = backoff.ceiling(attempt: attempt)
            var seen = Set<Double>()
            for _ in 0..<200 {
                let delay = backoff.delay(attempt: attempt)
                #expect(delay >= ceiling * (1 - jitter) - 1e-12, "attempt \(attempt) delay \(delay)")
                #expect(delay <= ceiling + 1e-12, "attempt \(attempt) delay \(delay)")
                seen.insert(delay)
            }
            if jitter > 0 { #expect(seen.count > 50, "jitter should spread the delays") }
            else { #expect(seen.count == 1) }
        }
    }

    @Test func equatable() {
        #expect(Backoff() == Backoff(initial: 0.5, multiplier: 2, maximum: 30, jitter: 0.5))
        #expect(Backoff() != Backoff(initial: 0.5, multiplier: 2, maximum: 30, jitter: 0.4))
    }
}
