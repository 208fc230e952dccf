import Domain
import Foundation
import SLA
import Testing

private let calendar = BusinessCalendar(timeZone: .wib, holidays: ["2025-05-12", "2025-05-13"].compactMap(CivilDate.init),
                                        coveredYears: [2025])

private func wib(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    let clock = parts[1].split(separator: ":").map { Int($0)! }
    return Date(timeIntervalSince1970: TimeInterval(CivilDate(String(parts[0]))!.dayNumber * 86_400 + clock[0] * 3600 + clock[1] * 60 - 7 * 3600))
}

private let day = 8 * 3600

@Suite struct SLATrackerTests {
    func tracker(days: Int = 1, expiry: ExpiryRule? = nil, at start: String = "2025-05-05 08:00") -> SLATracker {
        SLATracker(submittedAt: wib(start), budget: days * day, policy: .standard(), expiry: expiry)
    }

    @Test func warnedThenBreachedThenEscalatedOnceEach() {
        var t = tracker()
        #expect(t.handle(.tick(wib("2025-05-05 09:00")), calendar: calendar) == [.deadlineSet(wib("2025-05-05 16:00"))])
        #expect(t.handle(.tick(wib("2025-05-05 14:30")), calendar: calendar) == [.warning(at: wib("2025-05-05 14:00"))])
        #expect(t.handle(.tick(wib("2025-05-05 15:00")), calendar: calendar) == [])
        #expect(t.handle(.tick(wib("2025-05-06 08:01")), calendar: calendar)
                == [.breached(at: wib("2025-05-05 16:00")), .escalated(rung: 0, role: "supervisor", at: wib("2025-05-05 16:00"))])
        #expect(t.handle(.tick(wib("2025-05-06 12:00")), calendar: calendar) == [])
        // Two working days after the breach: Tuesday and Wednesday → Wednesday 7 May 16:00.
        #expect(t.nextWake(calendar: calendar) == wib("2025-05-07 16:00").addingTimeInterval(0.001))
        #expect(t.handle(.tick(wib("2025-05-08 09:00")), calendar: calendar)
                == [.escalated(rung: 1, role: "mpp_admin", at: wib("2025-05-07 16:00"))])
        #expect(t.handle(.tick(wib("2025-06-30 09:00")), calendar: calendar) == [])
        #expect(t.nextWake(calendar: calendar) == nil)
    }

    @Test func afterDowntimeEveryFactCarriesItsTrueTime() {
        var t = tracker()
        let outputs = t.handle(.tick(wib("2025-05-09 10:00")), calendar: calendar)
        #expect(outputs == [.deadlineSet(wib("2025-05-05 16:00")), .warning(at: wib("2025-05-05 14:00")),
                            .breached(at: wib("2025-05-05 16:00")), .escalated(rung: 0, role: "supervisor", at: wib("2025-05-05 16:00")),
                            .escalated(rung: 1, role: "mpp_admin", at: wib("2025-05-07 16:00"))])
    }

    @Test func pausedApplicationDoesNotBreach() {
        var t = tracker()
        _ = t.handle(.transition(state: "revision_requested", paused: true, terminal: false, at: wib("2025-05-05 10:00")), calendar: calendar)
        #expect(t.nextWake(calendar: calendar) == nil)
        #expect(t.handle(.tick(wib("2025-05-20 10:00")), calendar: calendar) == [])
        let resumed = t.handle(.transition(state: "submitted", paused: false, terminal: false, at: wib("2025-05-20 10:00")), calendar: calendar)
        #expect(resumed == [.deadlineSet(wib("2025-05-20 16:00"))])  // 6 h left: Tuesday 10:00–16:00
    }

    @Test func completionIsMetOrMissed() {
        var onTime = tracker()
        #expect(onTime.handle(.transition(state: "completed", paused: false, terminal: true, at: wib("2025-05-05 12:00")), calendar: calendar)
                == [.deadlineSet(wib("2025-05-05 16:00")), .met(usedSeconds: 4 * 3600, at: wib("2025-05-05 12:00")), .deadlineSet(nil)])
        var late = tracker()
        let outputs = late.handle(.transition(state: "completed", paused: false, terminal: true, at: wib("2025-05-06 09:00")), calendar: calendar)
        #expect(outputs.contains(.missed(usedSeconds: 9 * 3600, at: wib("2025-05-06 09:00"))))
        #expect(outputs.contains(.breached(at: wib("2025-05-05 16:00"))))
        #expect(late.isFinished)
        #expect(late.handle(.tick(wib("2025-07-01 09:00")), calendar: calendar) == [])
    }

    @Test func expiryActionFiresOnceInItsStates() {
        let rule = ExpiryRule(fromStates: ["checked", "technical_review"], action: "auto_approve")
        var t = tracker(days: 5, expiry: rule)
        _ = t.handle(.transition(state: "checked", paused: false, terminal: false, at: wib("2025-05-05 09:00")), calendar: calendar)
        // 40 working hours from Monday 08:00: Friday 9 May 16:00.
        let outputs = t.handle(.tick(wib("2025-05-15 08:30")), calendar: calendar)
        #expect(outputs.contains(.breached(at: wib("2025-05-09 16:00"))))
        #expect(outputs.contains(.expiryAction(action: "auto_approve", at: wib("2025-05-09 16:00"))))
        #expect(!t.handle(.tick(wib("2025-05-16 08:30")), calendar: calendar).contains { if case .expiryAction = $0 { true } else { false } })
    }

    @Test func expiryActionWhenEnteringItsStateAfterTheBreach() {
        let rule = ExpiryRule(fromStates: ["checked"], action: "auto_approve")
        var t = tracker(expiry: rule)
        let late = t.handle(.tick(wib("2025-05-06 09:00")), calendar: calendar)
        #expect(!late.contains(.expiryAction(action: "auto_approve", at: wib("2025-05-05 16:00"))))
        let moved = t.handle(.transition(state: "checked", paused: false, terminal: false, at: wib("2025-05-06 10:00")), calendar: calendar)
        #expect(moved.contains(.expiryAction(action: "auto_approve", at: wib("2025-05-06 10:00"))))
        let again = t.handle(.transition(state: "checked", paused: false, terminal: false, at: wib("2025-05-06 11:00")), calendar: calendar)
        #expect(!again.contains { if case .expiryAction = $0 { true } else { false } })
    }

    @Test func sameInputsSameOutputs() {
        var a = tracker(days: 3), b = tracker(days: 3)
        for hour in stride(from: 0, to: 200, by: 7) {
            let now = wib("2025-05-05 08:00").addingTimeInterval(TimeInterval(hour * 3600))
            #expect(a.handle(.tick(now), calendar: calendar) == b.handle(.tick(now), calendar: calendar))
        }
        #expect(a == b)
    }
}
