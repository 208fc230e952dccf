import Foundation

/// Daily opening hours, as seconds after local midnight (default 08:00–16:00).
public struct OpeningHours: Sendable, Hashable, Codable {
    public var opens: Int
    public var closes: Int

    public init(opens: Int = 8 * 3600, closes: Int = 16 * 3600) {
        precondition(0 <= opens && opens < closes && closes <= 86_400, "opening hours must be within one day")
        self.opens = opens
        self.closes = closes
    }

    /// Parses "08:00-16:00".
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let opens = Self.seconds(parts[0]), let closes = Self.seconds(parts[1]), opens < closes else { return nil }
        self.init(opens: opens, closes: closes)
    }

    public var length: Int { closes - opens }

    static func seconds(_ text: Substring) -> Int? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
              (0...24).contains(hours), (0...59).contains(minutes), hours * 3600 + minutes * 60 <= 86_400 else { return nil }
        return hours * 3600 + minutes * 60
    }
}

/// A civil servant's calendar for one place: Monday–Friday, minus national holidays, cuti
/// bersama and the place's regional holidays, within its opening hours, in its time zone.
/// Counts *working time*: the seconds an office is open. Pure and deterministic.
public struct BusinessCalendar: Sendable, Hashable {
    public let timeZone: IndonesianTimeZone
    public let hours: OpeningHours
    /// Day numbers (days since 1970-01-01) that are not worked although not weekends.
    private let closedDays: Set<Int>
    /// Years whose holidays are known.
    public let coveredYears: Set<Int>

    public init(timeZone: IndonesianTimeZone, hours: OpeningHours = OpeningHours(), holidays: [CivilDate], coveredYears: Set<Int>) {
        self.timeZone = timeZone
        self.hours = hours
        closedDays = Set(holidays.map(\.dayNumber))
        self.coveredYears = coveredYears
    }

    /// Whether the office works on `date` (weekday, not a holiday).
    public func isWorkingDay(_ date: CivilDate) -> Bool { isWorkingDay(dayNumber: date.dayNumber) }

    func isWorkingDay(dayNumber: Int) -> Bool {
        let weekday = CivilDate.weekday(dayNumber: dayNumber)
        return weekday != 0 && weekday != 6 && !closedDays.contains(dayNumber)
    }

    /// The local date of an instant.
    public func localDate(of instant: Date) -> CivilDate { CivilDate(dayNumber: split(instant).day) }

    /// The instant when `workingSeconds` of working time have passed after `start`
    /// (time outside opening hours and on closed days does not count). Zero returns the first
    /// working instant at or after `start`.
    public func instant(after start: Date, workingSeconds: Int) -> Date {
        var (day, second) = split(start)
        var remaining = max(0, workingSeconds)
        for _ in 0..<(366 * 20) {
            if isWorkingDay(dayNumber: day) {
                let from = max(second, hours.opens)
                if from < hours.closes {
                    let available = hours.closes - from
                    if remaining <= available { return join(day: day, second: from + remaining) }
                    remaining -= available
                }
            }
            day += 1
            second = 0
        }
        return join(day: day, second: hours.opens)
    }

    /// Working seconds between two instants (0 when `end` is not after `start`).
    public func workingSeconds(from start: Date, to end: Date) -> Int {
        guard end > start else { return 0 }
        let (startDay, startSecond) = split(start)
        let (endDay, endSecond) = split(end)
        var total = 0
        var day = startDay
        while day <= endDay {
            if isWorkingDay(dayNumber: day) {
                let from = max(day == startDay ? startSecond : 0, hours.opens)
                let to = min(day == endDay ? endSecond : 86_400, hours.closes)
                if to > from { total += to - from }
            }
            day += 1
        }
        return total
    }

    /// Working seconds in `count` working days.
    public func workingSeconds(days count: Int) -> Int { count * hours.length }

    /// Working seconds of an SLA's budget.
    public func budget(of sla: SLA) -> Int {
        switch sla.unit {
        case .workingDays: workingSeconds(days: sla.value)
        case .workingHours: sla.value * 3600
        case .minutes: sla.value * 60
        }
    }

    /// Whether the holidays of `year` are known (a missing next-year calendar is an ops warning).
    public func covers(year: Int) -> Bool { coveredYears.contains(year) }

    private func split(_ instant: Date) -> (day: Int, second: Int) {
        let local = Int(instant.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromUTC
        let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        return (day, local - day * 86_400)
    }

    private func join(day: Int, second: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(day * 86_400 + second - timeZone.secondsFromUTC))
    }
}
