import Foundation
import Support
import Testing

@Suite struct ClockTests {
    @Test func manualClockStartsAtNewYear2026ByDefault() {
        let clock = ManualClock()
        #expect(clock.now() == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(clock.now() == clock.now(), "a manual clock does not move by itself")
    }

    @Test func manualClockAdvancesAndSets() {
        let start = Date(timeIntervalSince1970: 1_000)
        let clock = ManualClock(start)
        #expect(clock.now() == start)
        clock.advance(by: 90)
        #expect(clock.now() == Date(timeIntervalSince1970: 1_090))
        clock.advance(by: 0.25)
        #expect(clock.now().timeIntervalSince1970 == 1_090.25)
        clock.advance(by: -0.25)
        #expect(clock.now() == Date(timeIntervalSince1970: 1_090))
        let later = Date(timeIntervalSince1970: 2_000_000_000)
        clock.set(later)
        #expect(clock.now() == later)
    }

    @Test func manualClockIsUsableAsAnyClock() async {
        let clock = ManualClock(Date(timeIntervalSince1970: 0))
        let asClock: any Support.Clock = clock
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<10 { group.addTask { for _ in 0..<100 { clock.advance(by: 1) } } }
        }
        #expect(asClock.now() == Date(timeIntervalSince1970: 1_000))
    }

    @Test func systemClockIsNow() {
        let now = SystemClock().now()
        #expect(abs(now.timeIntervalSinceNow) < 2)
    }

    @Test func monotonicNeverGoesBack() async throws {
        var previous = Monotonic.nanoseconds()
        for _ in 0..<10_000 {
            let next = Monotonic.nanoseconds()
            #expect(next >= previous)
            previous = next
        }
        let before = Monotonic.nanoseconds()
        try await Task.sleep(for: .milliseconds(20))
        let elapsed = Monotonic.nanoseconds() - before
        #expect(elapsed >= 19_000_000 && elapsed < 2_000_000_000)
    }
}

@Suite struct MutexedTests {
    @Test func getSetUpdate() {
        let box = Mutexed([1, 2])
        #expect(box.get() == [1, 2])
        box.set([3])
        #expect(box.get() == [3])
        let count = box.update { value -> Int in value.append(4); return value.count }
        #expect(count == 2 && box.get() == [3, 4])
    }

    @Test func concurrentUpdatesLoseNothing() async {
        let counter = Mutexed(0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<16 { group.addTask { for _ in 0..<1_000 { counter.update { $0 += 1 } } } }
        }
        #expect(counter.get() == 16_000)
    }
}
