import Domain
import Foundation
import Testing

/// The 2025 holidays that matter for these tests (SKB 3 Menteri, as in the shipped data).
let holidays2025 = ["2025-03-28", "2025-03-31", "2025-04-01", "2025-04-02", "2025-04-03", "2025-04-04", "2025-04-07",
                    "2025-04-18", "2025-05-01", "2025-05-12", "2025-05-13", "2025-05-29", "2025-05-30"].compactMap(CivilDate.init)

func calendar(_ zone: IndonesianTimeZone = .wib, hours: OpeningHours = OpeningHours()) -> BusinessCalendar {
    BusinessCalendar(timeZone: zone, hours: hours, holidays: holidays2025, coveredYears: [2025])
}

/// An instant given as local wall-clock time in `zone`.
func local(_ text: String, _ zone: IndonesianTimeZone = .wib) -> Date {
    let parts = text.split(separator: " ")
    let date = CivilDate(String(parts[0]))!
    let clock = parts[1].split(separator: ":").map { Int($0)! }
    let seconds = date.dayNumber * 86_400 + clock[0] * 3600 + clock[1] * 60 - zone.secondsFromUTC
    return Date(timeIntervalSince1970: TimeInterval(seconds))
}

@Suite struct CivilDateTests {
    @Test func dayNumbersRoundTrip() {
        for dayNumber in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(CivilDate(dayNumber: dayNumber).dayNumber == dayNumber)
        }
        #expect(CivilDate("1970-01-01")!.dayNumber == 0)
        #expect(CivilDate("2000-03-01")!.dayNumber == 11_017)
    }

    @Test func weekdays() {
        #expect(CivilDate("1970-01-01")!.weekday == 4)  // Thursday
        #expect(CivilDate("2025-05-09")!.weekday == 5)  // Friday
        #expect(CivilDate("2026-11-23")!.weekday == 1)  // Monday
        #expect(CivilDate("1969-12-28")!.weekday == 0)  // Sunday, before the epoch
    }

    @Test func invalidDatesAreRefused() {
        #expect(CivilDate("2025-02-29") == nil)
        #expect(CivilDate("2024-02-29") != nil)
        #expect(CivilDate("1900-02-29") == nil)
        #expect(CivilDate("2000-02-29") != nil)
        #expect(CivilDate("2025-13-01") == nil)
        #expect(CivilDate("2025-04-31") == nil)
        #expect(CivilDate("2025-4-01") == nil)
        #expect(CivilDate("hello") == nil)
    }
}

@Suite struct BusinessCalendarTests {
    @Test func threeWorkingDaysFromFridayAfternoonBeforeALongWeekend() {
        // Friday 9 May 2025, 15:00 WIB; Monday 12 May is Waisak, Tuesday 13 May cuti bersama.
        // 24 working hours: Fri 1 h, Wed 8 h, Thu 8 h, Fri 16 May 7 h → 15:00.
        let cal = calendar()
        let deadline = cal.instant(after: local("2025-05-09 15:00"), workingSeconds: cal.budget(of: SLA(value: 3, unit: .workingDays)))
        #expect(deadline == local("2025-05-16 15:00"))
    }

    @Test func idulFitriCutiBersamaWeeks() {
        // Thursday 27 March 2025, 10:00: 6 h that day, then nothing is worked until Tuesday 8 April.
        let cal = calendar()
        #expect(cal.instant(after: local("2025-03-27 10:00"), workingSeconds: 8 * 3600) == local("2025-04-08 10:00"))
        for day in ["2025-03-28", "2025-03-31", "2025-04-01", "2025-04-02", "2025-04-03", "2025-04-04", "2025-04-07"] {
            #expect(!cal.isWorkingDay(CivilDate(day)!), "\(day) is a holiday")
        }
        #expect(cal.isWorkingDay(CivilDate("2025-04-08")!))
        #expect(cal.workingSeconds(from: local("2025-03-27 10:00"), to: local("2025-04-08 10:00")) == 8 * 3600)
    }

    @Test func minutesInsideAndAcrossClosingTime() {
        let cal = calendar()
        let sla = SLA(value: 15, unit: .minutes)
        #expect(cal.instant(after: local("2025-05-05 10:00"), workingSeconds: cal.budget(of: sla)) == local("2025-05-05 10:15"))
        // 15:55 Monday: 5 minutes left today, 10 minutes on Tuesday from 08:00.
        #expect(cal.instant(after: local("2025-05-05 15:55"), workingSeconds: cal.budget(of: sla)) == local("2025-05-06 08:10"))
        // Exactly at closing: all of it tomorrow.
        #expect(cal.instant(after: local("2025-05-05 16:00"), workingSeconds: cal.budget(of: sla)) == local("2025-05-06 08:15"))
        // Ending exactly at closing time stays today.
        #expect(cal.instant(after: local("2025-05-05 15:45"), workingSeconds: 15 * 60) == local("2025-05-05 16:00"))
    }

    @Test func submissionsOutsideOpeningHoursStartAtTheNextOpening() {
        let cal = calendar()
        #expect(cal.instant(after: local("2025-05-03 11:00"), workingSeconds: 3600) == local("2025-05-05 09:00"))  // Saturday
        #expect(cal.instant(after: local("2025-05-05 06:30"), workingSeconds: 3600) == local("2025-05-05 09:00"))  // before opening
        #expect(cal.instant(after: local("2025-05-05 20:00"), workingSeconds: 3600) == local("2025-05-06 09:00"))  // after closing
        #expect(cal.instant(after: local("2025-05-03 11:00"), workingSeconds: 0) == local("2025-05-05 08:00"))
    }

    @Test func timeZonesWIBWITAWIT() {
        let start = "2025-05-05 15:30"
        for zone in IndonesianTimeZone.allCases {
            let cal = calendar(zone)
            let deadline = cal.instant(after: local(start, zone), workingSeconds: 3600)
            #expect(deadline == local("2025-05-06 08:30", zone))
        }
        // The same wall-clock deadline is an hour earlier in absolute time for each zone east.
        let wib = calendar(.wib).instant(after: local(start, .wib), workingSeconds: 3600)
        let wit = calendar(.wit).instant(after: local(start, .wit), workingSeconds: 3600)
        #expect(wib.timeIntervalSince(wit) == 2 * 3600)
        #expect(IndonesianTimeZone(identifier: "Asia/Makassar") == .wita)
    }

    @Test func workingSecondsAgreesWithInstantAfter() {
        let cal = calendar(.wita)
        var start = local("2025-03-20 07:45", .wita)
        for step in 0..<200 {
            let budget = (step * 7_919) % (40 * 3600)
            let end = cal.instant(after: start, workingSeconds: budget)
            #expect(cal.workingSeconds(from: start, to: end) == budget, "budget \(budget) from \(start)")
            start = start.addingTimeInterval(TimeInterval(step * 3_607))
        }
    }

    @Test func workingHoursAndCustomOpeningHours() {
        let cal = calendar(hours: OpeningHours("07:30-15:00")!)
        #expect(cal.budget(of: SLA(value: 2, unit: .workingDays)) == 15 * 3600)
        #expect(cal.budget(of: SLA(value: 3, unit: .workingHours)) == 3 * 3600)
        #expect(cal.instant(after: local("2025-05-05 14:00"), workingSeconds: 3 * 3600) == local("2025-05-06 09:30"))
        #expect(OpeningHours("16:00-08:00") == nil)
        #expect(OpeningHours("8-16") == nil)
    }

    @Test func coverage() {
        #expect(calendar().covers(year: 2025))
        #expect(!calendar().covers(year: 2026))
    }
}

@Suite struct SLAClockTests {
    @Test func deadlineOfARunningClock() {
        let cal = calendar()
        let clock = SLAClock(start: local("2025-05-05 10:00"), budget: cal.budget(of: SLA(value: 1, unit: .workingDays)))
        #expect(clock.deadline(calendar: cal) == local("2025-05-06 10:00"))
        #expect(clock.instant(whenShareUsed: 0.75, calendar: cal) == local("2025-05-05 16:00"))  // 6 of 8 h
        #expect(!clock.isLate(at: local("2025-05-06 10:00"), calendar: cal))
        #expect(clock.isLate(at: local("2025-05-06 10:01"), calendar: cal))
    }

    @Test func pauseAndResumeShiftTheDeadline() {
        let cal = calendar()
        var clock = SLAClock(start: local("2025-05-05 08:00"), budget: cal.budget(of: SLA(value: 2, unit: .workingDays)))
        #expect(clock.deadline(calendar: cal) == local("2025-05-06 16:00"))
        clock.pause(at: local("2025-05-05 12:00"), calendar: cal)  // 4 h used, waiting on the citizen
        #expect(clock.deadline(calendar: cal) == nil)
        #expect(clock.used(at: local("2025-05-09 12:00"), calendar: cal) == 4 * 3600)  // paused all week
        #expect(!clock.isLate(at: local("2025-05-20 12:00"), calendar: cal))
        // Friday 14:00: 2 h that day, Monday 12 and Tuesday 13 are holidays, Wednesday 8 h, Thursday 2 h.
        clock.resume(at: local("2025-05-09 14:00"))
        #expect(clock.deadline(calendar: cal) == local("2025-05-15 10:00"))
        clock.pause(at: local("2025-05-09 15:00"), calendar: cal)
        clock.resume(at: local("2025-05-14 08:00"))  // 5 h used, 11 h left: Wednesday 8 h, Thursday 3 h
        #expect(clock.deadline(calendar: cal) == local("2025-05-15 11:00"))
    }

    @Test func stopFreezesTheUsedTime() {
        let cal = calendar()
        var clock = SLAClock(start: local("2025-05-05 08:00"), budget: 3600)
        clock.stop(at: local("2025-05-05 08:30"), calendar: cal)
        #expect(clock.phase == .stopped)
        #expect(clock.used(at: local("2025-06-01 08:00"), calendar: cal) == 1800)
        clock.resume(at: local("2025-05-06 08:00"))
        #expect(clock.phase == .stopped, "a stopped clock never runs again")
        #expect(clock.deadline(calendar: cal) == nil)
    }

    @Test func sameInputsSameDeadline() {
        let cal = calendar(.wit)
        let a = SLAClock(start: local("2025-03-27 13:13", .wit), budget: 5 * 8 * 3600)
        let b = SLAClock(start: local("2025-03-27 13:13", .wit), budget: 5 * 8 * 3600)
        #expect(a.deadline(calendar: cal) == b.deadline(calendar: cal))
        #expect(a == b)
    }
}
