import Bus
import Catalog
import Domain
import Foundation
import Support
import Testing

/// `catalog.regions.*` over real sockets.
@Suite struct RegionMethodTests {
    @Test func loadedCountsMatchTheShippedFiles() async throws {
        try await withCatalog { catalog in
            let codes = try referenceCodes("regions.csv")
            let perLevel = Dictionary(grouping: codes) { RegionCode($0)?.level }.mapValues(\.count)
            #expect(codes.count == 91_599)  // 91,600 lines with the header
            #expect(catalog.service.regionCount() == codes.count)
            for level in RegionLevel.allCases {
                #expect(catalog.service.regionCount(level) == perLevel[level], "\(level)")
            }
            #expect(perLevel[.province] == 38 && perLevel[.regency] == 514 && perLevel[.district] == 7_285 && perLevel[.village] == 83_762)

            // Over the wire: the provinces, and every regency of every province, add up.
            let provinces = try await catalog.get("catalog.regions.list", CatalogAPI.ListRegions(), as: CatalogAPI.RegionPage.self)
            #expect(provinces.total == 38 && provinces.regions.count == 38)
            let regencies = try await catalog.get("catalog.regions.list", CatalogAPI.ListRegions(level: .regency, page_size: 1_000),
                                                  as: CatalogAPI.RegionPage.self)
            #expect(regencies.total == 514)
            let villages = try await catalog.get("catalog.regions.list", CatalogAPI.ListRegions(level: .village, page: 84, page_size: 1_000),
                                                 as: CatalogAPI.RegionPage.self)
            #expect(villages.total == 83_762 && villages.regions.count == 762)
        }
    }

    @Test func knownCodesAndTheirChildren() async throws {
        try await withCatalog { catalog in
            let jakartaPusat = try await catalog.get("catalog.regions.get", CatalogAPI.GetRegion(code: "31.71"), as: Region.self)
            #expect(jakartaPusat.name == "Kota Administrasi Jakarta Pusat" && jakartaPusat.level == .regency)
            #expect(jakartaPusat.parent == "31" && jakartaPusat.province == "31" && jakartaPusat.regency == "31.71")
            #expect(jakartaPusat.timezone == "Asia/Jakarta" && jakartaPusat.zone == .wib && !jakartaPusat.historical)

            let klungkung = try await catalog.get("catalog.regions.get", CatalogAPI.GetRegion(code: "5105"), as: Region.self)
            #expect(klungkung.code == "51.05" && klungkung.name == "Kabupaten Klungkung")
            #expect(klungkung.province_name == "Bali" && klungkung.zone == .wita && klungkung.timezone == "Asia/Makassar")

            let districts = try await catalog.get("catalog.regions.list", CatalogAPI.ListRegions(parent: "51.05"), as: CatalogAPI.RegionPage.self)
            #expect(districts.regions.map(\.name) == ["Nusa Penida", "Banjarangkan", "Klungkung", "Dawan"])
            #expect(districts.regions.allSatisfy { $0.level == .district && $0.parent == "51.05" })
            let villages = try await catalog.get("catalog.regions.list", CatalogAPI.ListRegions(parent: "510501"), as: CatalogAPI.RegionPage.self)
            #expect(villages.regions.first?.code == "51.05.01.2001" && villages.regions.first?.name == "Sakti")
            let jakartaDistricts = try await catalog.get("catalog.regions.list", CatalogAPI.ListRegions(parent: "31.71"),
                                                         as: CatalogAPI.RegionPage.self)
            #expect(jakartaDistricts.total == 8 && jakartaDistricts.regions.contains { $0.name == "Gambir" })

            let village = try await catalog.get("catalog.regions.get", CatalogAPI.GetRegion(code: "3273011001"), as: Region.self)
            #expect(village.code == "32.73.01.1001" && village.name == "Sukarasa" && village.parent == "32.73.01" && village.regency == "32.73")
            let papua = try await catalog.get("catalog.regions.get", CatalogAPI.GetRegion(code: "91"), as: Region.self)
            #expect(papua.zone == .wit && papua.timezone == "Asia/Jayapura" && papua.parent == nil)
        }
    }

    @Test func historicalDistrictsOnlyWhenAskedFor() async throws {
        try await withCatalog { catalog in
            let old = try #require(try referenceCodes("districts_historical.csv").first)
            let current = try await catalog.call("catalog.regions.get", CatalogAPI.GetRegion(code: old))
            #expect(current.error?.code == .notFound)
            let region = try await catalog.get("catalog.regions.get", CatalogAPI.GetRegion(code: old.replacingOccurrences(of: ".", with: ""),
                                                                                           historical: true), as: Region.self)
            #expect(region.historical && region.level == .district && region.code == old && region.last_listed != nil)
            #expect(region.parent == String(old.prefix(5)))
            // A current code answers the same with or without the flag.
            let bandung = try await catalog.get("catalog.regions.get", CatalogAPI.GetRegion(code: "32.73", historical: true), as: Region.self)
            #expect(!bandung.historical && bandung.name == "Kota Bandung")
        }
    }

    @Test func badCodesAndPagesAreFieldErrors() async throws {
        try await withCatalog { catalog in
            for code in ["3", "32.7", "32.73.1", "abc", "", "00.01", "32.73.01.1001.1"] {
                let outcome = try await catalog.call("catalog.regions.get", CatalogAPI.GetRegion(code: code))
                #expect(outcome.error?.code == .invalidArgument && outcome.error?.fields["code"] != nil, "\(code)")
            }
            #expect(try await catalog.call("catalog.regions.get", CatalogAPI.GetRegion(code: "99.99")).error?.code == .notFound)
            #expect(try await catalog.call("catalog.regions.get", json: "{}").error?.fields["code"] != nil)
            let paging = try await catalog.call("catalog.regions.list", CatalogAPI.ListRegions(page: 0, page_size: 5_000))
            #expect(paging.error?.fields.keys.sorted() == ["page", "page_size"])
            let level = try await catalog.call("catalog.regions.list", CatalogAPI.ListRegions(parent: "32.73", level: .regency))
            #expect(level.error?.fields["level"] != nil)
            let unknownLevel = try await catalog.call("catalog.regions.list", json: #"{"level": "city"}"#)
            #expect(unknownLevel.error?.fields["level"] != nil)
            #expect(try await catalog.call("catalog.regions.list", CatalogAPI.ListRegions(parent: "99")).error?.code == .notFound)
        }
    }

    @Test func searchForgivesCasePunctuationAndPrefixes() async throws {
        try await withCatalog { catalog in
            func first(_ q: String, level: RegionLevel? = nil) async throws -> [Region] {
                try await catalog.get("catalog.regions.search", CatalogAPI.SearchRegions(q: q, level: level), as: CatalogAPI.RegionResults.self).results
            }
            #expect(try await first("Kab. Klungkung").first?.code == "51.05")
            #expect(try await first("KLUNGKUNG").prefix(2).map(\.code).contains("51.05"))
            #expect(try await first("kota adm. jakarta pusat").first?.code == "31.71")
            #expect(try await first("jakarta-pusat").first?.code == "31.71")
            #expect(try await first("kota bandung").first?.code == "32.73")
            #expect(try await first("kabupaten bandung").first?.code == "32.04")
            #expect(try await first("kec. sukasari").first?.level == .district)
            #expect(try await first("kec sukasari").contains { $0.code == "32.73.01" })
            #expect(try await first("bali").first?.code == "51")
            #expect(try await first("nusa pen").first?.code == "51.05.01")
            #expect(try await first("sakti", level: .village).allSatisfy { $0.level == .village })
            let inside = try await catalog.get("catalog.regions.search", CatalogAPI.SearchRegions(q: "sakti", parent: "51.05"),
                                               as: CatalogAPI.RegionResults.self)
            #expect(inside.results.map(\.code) == ["51.05.01.2001"])
            #expect(try await catalog.call("catalog.regions.search", CatalogAPI.SearchRegions(q: " .. ")).error?.fields["q"] != nil)
            #expect(try await first("zzzqqq").isEmpty)
        }
    }
}
