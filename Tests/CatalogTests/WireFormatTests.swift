@testable import Catalog
import Bus
import Domain
import Support
import Testing

/// The hand-written JSON of the hot paths says exactly what `Codable` would.
@Suite struct WireFormatTests {
    static let regions = [
        Region(code: "51.05", name: "Kabupaten Klungkung", level: .regency, parent: "51", province: "51", province_name: "Bali",
               regency: "51.05", timezone: "Asia/Makassar", zone: .wita, historical: false, last_listed: nil),
        Region(code: "51", name: "Bali", level: .province, parent: nil, province: "51", province_name: "Bali", regency: nil,
               timezone: "Asia/Makassar", zone: .wita, historical: false, last_listed: nil),
        Region(code: "91.01.01", name: "Merauke \"lama\"", level: .district, parent: "91.01", province: "91", province_name: nil,
               regency: "91.01", timezone: "Asia/Jayapura", zone: .wit, historical: true, last_listed: 2022),
    ]

    @Test func regionBytesEqualCodable() throws {
        for region in Self.regions {
            #expect(region.jsonBytes == (try JSON.encode(region)), "\(region.code)")
        }
        let page = CatalogAPI.RegionPage(regions: Self.regions, page: 2, page_size: 3, total: 7)
        #expect(Region.pageBytes(page) == (try JSON.encode(page)))
    }

    @Test func summaryJSONEqualsCodable() throws {
        let summary = ServiceSummary(id: "ktp-el", version: 3, name: "Penerbitan KTP-el", name_en: "Identity card", agency: "disdukcapil",
                                     also_involves: [], group: "adminduk", channels: ["direct", "electronic"],
                                     sla: SLA(value: 1, unit: .workingDays), fee_idr: 0, score: 1.5)
        #expect(JSONWriter.write(summary.json) == (try JSON.encode(summary)))
    }

    @Test func requestFieldsNameTheirField() throws {
        #expect(throws: RPCError.invalid(["body": "bukan JSON yang sah (not valid JSON): expected a member name at byte 1"])) { try RequestFields(Array("{".utf8)) }
        #expect(throws: RPCError.invalid(["body": "tipe salah, diharapkan object"])) { try RequestFields(Array("[]".utf8)) }
        let fields = try RequestFields(Array(#"{"code": 5, "limit": 2.5, "level": "city", "historical": "yes"}"#.utf8))
        #expect(throws: RPCError.self) { try fields.string("code") }
        #expect(throws: RPCError.self) { try fields.int("limit") }
        #expect(throws: RPCError.self) { try fields.choice("level", RegionLevel.self) }
        #expect(throws: RPCError.self) { try fields.bool("historical") }
        #expect(throws: RPCError.invalid(["q": "wajib diisi (required)"])) { try RequestFields([]).string("q", required: true) }
        #expect(try RequestFields([]).int("page") == nil)
    }
}
