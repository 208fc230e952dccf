import Domain
import Foundation
import Support
import Testing

/// Province → time zone, one table for the whole platform (issue 20, bug 3): every one of the
/// 38 provinces of Kepmendagri 300.2.2-2138/2025, Kalimantan split between WIB and WITA, and
/// Papua's six provinces (codes 91–96 since the 2022 splits, Papua Barat Daya the newest) in WIT.
@Suite struct IndonesianTimeZoneTests {
    static let expected: [IndonesianTimeZone: [String]] = [
        // Sumatra, Java, West and Central Kalimantan.
        .wib: ["11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36", "61", "62"],
        // Bali, Nusa Tenggara, South, East and North Kalimantan, Sulawesi.
        .wita: ["51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"],
        // Maluku and Papua, the new provinces included.
        .wit: ["81", "82", "91", "92", "93", "94", "95", "96"],
    ]

    @Test(arguments: IndonesianTimeZone.allCases)
    func everyProvinceHasItsZone(_ zone: IndonesianTimeZone) {
        for province in Self.expected[zone] ?? [] {
            #expect(IndonesianTimeZone(province: province) == zone, "province \(province)")
        }
    }

    @Test func theTableCoversExactlyTheThirtyEightProvinces() {
        let all = Self.expected.values.flatMap { $0 }
        #expect(all.count == 38 && Set(all).count == 38)
        #expect(Set(IndonesianTimeZone.provinces.keys) == Set(all))
    }

    @Test func regionCodesInsideAProvinceTakeItsZone() {
        #expect(IndonesianTimeZone(province: "63.71") == .wita, "Kota Banjarmasin")
        #expect(IndonesianTimeZone(province: "62.01.01") == .wib, "Kotawaringin Barat")
        #expect(IndonesianTimeZone(province: "95.01.01.2001") == .wit, "Jayawijaya, Papua Pegunungan")
        #expect(IndonesianTimeZone(province: "51.05") == .wita, "Klungkung")
    }

    @Test func unknownProvincesHaveNoZone() {
        for code in ["", "9", "00", "20", "37", "54", "83", "97", "99", "x1", "32x"] {
            #expect(IndonesianTimeZone(province: code) == nil, "\(code)")
        }
    }

    @Test func theLocalDateTurnsAtLocalMidnight() throws {
        let instant = try #require(Timestamp.parse("2026-03-09T16:30:00Z"))  // 23:30 WIB, 00:30 WITA, 01:30 WIT
        #expect(IndonesianTimeZone.wib.date(of: instant) == CivilDate("2026-03-09"))
        #expect(IndonesianTimeZone.wita.date(of: instant) == CivilDate("2026-03-10"))
        #expect(IndonesianTimeZone.wit.date(of: instant) == CivilDate("2026-03-10"))
        let beforeEpoch = Date(timeIntervalSince1970: -3600 * 8)  // 1969-12-31 16:00 UTC = 23:00 WIB
        #expect(IndonesianTimeZone.wib.date(of: beforeEpoch) == CivilDate("1969-12-31"))
    }
}
