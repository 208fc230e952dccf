import Domain
import Foundation
import Testing

/// Times, dates and money as people read them (DESIGN.md "Dates for people"; issue 14 finding 5).
@Suite struct PeopleFormatTests {
    /// 2026-12-03T09:00:00Z, a Thursday: 16.00 WIB, 17.00 WITA, 18.00 WIT.
    static let instant = Date(timeIntervalSince1970: 1_796_288_400)

    @Test func longAndCompactInEachZone() {
        #expect(PeopleFormat.long(Self.instant, zone: .wib) == "Kamis, 3 Desember 2026 16.00 WIB")
        #expect(PeopleFormat.compact(Self.instant, zone: .wib) == "3 Des 2026 16.00 WIB")
        #expect(PeopleFormat.compact(Self.instant, zone: .wita) == "3 Des 2026 17.00 WITA")
        #expect(PeopleFormat.compact(Self.instant, zone: .wit) == "3 Des 2026 18.00 WIT")
        #expect(PeopleFormat.long(Self.instant, zone: .wib, language: .english) == "Thursday, 3 December 2026 16:00 WIB")
        #expect(PeopleFormat.compact(Self.instant, zone: .wib, language: .english) == "3 Dec 2026 16:00 WIB")
    }

    @Test func theLocalDateTurnsAtLocalMidnight() {
        // 2026-12-02T17:30:00Z is already 3 December 00.30 in Jakarta.
        let lateUTC = Date(timeIntervalSince1970: 1_796_232_600)
        #expect(PeopleFormat.compact(lateUTC, zone: .wib) == "3 Des 2026 00.30 WIB")
        #expect(PeopleFormat.local(lateUTC, zone: .wib).date == CivilDate(year: 2026, month: 12, day: 3))
        #expect(PeopleFormat.compact(Date(timeIntervalSince1970: -1), zone: .wib) == "1 Jan 1970 06.59 WIB")
    }

    @Test func wireTimesForARegion() {
        #expect(PeopleFormat.compact(rfc3339: "2026-12-03T09:00:00.000Z", region: "32.73") == "3 Des 2026 16.00 WIB")
        #expect(PeopleFormat.compact(rfc3339: "2026-12-03T09:00:00Z", region: "51.71") == "3 Des 2026 17.00 WITA")
        #expect(PeopleFormat.compact(rfc3339: "2026-12-03T09:00:00Z", region: "94") == "3 Des 2026 18.00 WIT")
        #expect(PeopleFormat.compact(rfc3339: "besok", region: "32.73") == "besok")
    }

    @Test func datesAndEveryMonthName() {
        #expect(PeopleFormat.longDate(CivilDate(year: 2026, month: 12, day: 3)!) == "Kamis, 3 Desember 2026")
        #expect(PeopleFormat.compactDate(CivilDate(year: 2026, month: 8, day: 17)!) == "17 Agu 2026")
        #expect(PeopleFormat.longDate(CivilDate(year: 2026, month: 8, day: 17)!, language: .english) == "Monday, 17 August 2026")
        let names = (1...12).map { PeopleFormat.compactDate(CivilDate(year: 2026, month: $0, day: 1)!) }
        #expect(names == ["1 Jan 2026", "1 Feb 2026", "1 Mar 2026", "1 Apr 2026", "1 Mei 2026", "1 Jun 2026",
                          "1 Jul 2026", "1 Agu 2026", "1 Sep 2026", "1 Okt 2026", "1 Nov 2026", "1 Des 2026"])
    }

    @Test func rupiah() {
        #expect(PeopleFormat.rupiah(0) == "Rp0 (gratis)")
        #expect(PeopleFormat.rupiah(0, language: .english) == "Rp0 (free)")
        #expect(PeopleFormat.rupiah(150_000) == "Rp150.000")
        #expect(PeopleFormat.rupiah(1_500) == "Rp1.500")
        #expect(PeopleFormat.rupiah(999) == "Rp999")
        #expect(PeopleFormat.rupiah(12_345_678) == "Rp12.345.678")
    }
}
