import Domain
import Foundation
import Support
import Testing

@Suite struct RegionCodeTests {
    @Test func parsesDottedAndDigitsOnlyCodes() throws {
        let cases: [(String, String, RegionLevel)] = [
            ("32", "32", .province), ("32.73", "32.73", .regency), ("3273", "32.73", .regency),
            ("32.73.01", "32.73.01", .district), ("327301", "32.73.01", .district),
            ("32.73.01.1001", "32.73.01.1001", .village), ("3273011001", "32.73.01.1001", .village), (" 51.05 ", "51.05", .regency),
        ]
        for (text, value, level) in cases {
            let code = try #require(RegionCode(text), "\(text)")
            #expect(code.value == value && code.level == level && code.description == value)
        }
        #expect(RegionCode("3273")?.digits == "3273" && RegionCode("32.73.01.1001")?.digits == "3273011001")
    }

    @Test func refusesMalformedCodes() {
        for text in ["", "3", "327", "32.7", "32..73", "32.73.", ".32", "32.73.01.100", "32.73.01.10011", "32.73.01.1001.01",
                     "32737", "32-73", "ab", "３２", "00", "32.00", "32.73.00", "32.73.01.0000", "32,73"] {
            #expect(RegionCode(text) == nil, "\(text)")
        }
    }

    @Test func ancestorsParentsAndContainment() throws {
        let village = try #require(RegionCode("32.73.01.1001"))
        #expect(village.parent?.value == "32.73.01")
        #expect(village.parent?.parent?.value == "32.73")
        #expect(village.province.value == "32" && village.regency?.value == "32.73")
        #expect(village.ancestor(at: .district)?.value == "32.73.01" && village.ancestor(at: .village) == village)
        #expect(RegionCode("32")?.parent == nil && RegionCode("32")?.regency == nil)
        #expect(RegionCode("32.73")?.ancestor(at: .district) == nil)
        #expect(RegionCode("32")!.contains(village) && RegionCode("32.73")!.contains(village) && village.contains(village))
        #expect(!RegionCode("32.74")!.contains(village) && !RegionCode("32.73.02")!.contains(village))
        #expect(!village.contains(RegionCode("32.73")!))
        #expect(RegionCode("32.73")?.isCity == true && RegionCode("32.04")?.isCity == false && RegionCode("32")?.isCity == nil)
        #expect(village.isKelurahan == true && RegionCode("51.05.01.2001")?.isKelurahan == false && RegionCode("51.05")?.isKelurahan == nil)
        #expect(RegionCode("11.01")! < RegionCode("11.01.01")! && RegionCode("11.02")! > RegionCode("11.01.99")!)
    }

    @Test func levelsOrderAndStep() {
        #expect(RegionLevel.province < .regency && .district < .village)
        #expect(RegionLevel.province.child == .regency && RegionLevel.village.child == nil)
        #expect(RegionLevel.allCases.map(\.depth) == [1, 2, 3, 4])
    }

    @Test func codableAsItsDottedString() throws {
        struct Holder: Codable, Equatable { var code: RegionCode; var level: RegionLevel }
        let holder = Holder(code: RegionCode("3273")!, level: .regency)
        #expect(String(decoding: try JSON.encode(holder), as: UTF8.self) == #"{"code":"32.73","level":"regency"}"#)
        #expect(try JSON.decode(Holder.self, from: Array(#"{"code":"327301","level":"district"}"#.utf8)).code.value == "32.73.01")
        #expect(throws: DecodingError.self) { try JSON.decode(Holder.self, from: Array(#"{"code":"3","level":"regency"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSON.decode(Holder.self, from: Array(#"{"code":"32","level":"city"}"#.utf8)) }
    }
}
