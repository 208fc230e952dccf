import Domain
import Foundation
import Store
import Support

/// An MPP building: one per kab/kota that has one.
public struct Site: Codable, Sendable, Equatable {
    public var id: String
    /// The kab/kota (`NN.NN`).
    public var region: String
    public var region_name: String?
    public var name: String
    public var address: String?
    public var phone: String?
    /// Inauguration date, `YYYY-MM-DD`.
    public var inaugurated: String?
    public var status: SiteStatus
    /// Local opening hours (the site's time zone).
    public var hours: [SiteHours]
    /// Counters per agency.
    public var counters: [SiteCounter]
    public var timezone: String
    public var zone: IndonesianTimeZone
    public var note: String?
    public var updated_at: String
    public var updated_by: String
}

public enum SiteStatus: String, Codable, Sendable, CaseIterable {
    case active, inactive

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let status = SiteStatus(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "harus active atau inactive"))
        }
        self = status
    }
}

/// Opening hours on some weekdays, local time: `{"days": ["mon",…], "opens": "08:00", "closes": "16:00"}`.
public struct SiteHours: Codable, Sendable, Hashable {
    public static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    /// The default of a seeded site: Monday–Friday 08:00–16:00.
    public static let standard = [SiteHours(days: Array(weekdays.prefix(5)), opens: "08:00", closes: "16:00")]

    public var days: [String]
    public var opens: String
    public var closes: String

    public init(days: [String], opens: String, closes: String) {
        self.days = days
        self.opens = opens
        self.closes = closes
    }

    /// Problems of a week's hours, keyed `hours[i].…`.
    static func problems(_ hours: [SiteHours]) -> [String: String] {
        var problems: [String: String] = [:]
        var seen: Set<String> = []
        for (index, entry) in hours.enumerated() {
            if entry.days.isEmpty || !entry.days.allSatisfy(weekdays.contains) {
                problems["hours[\(index)].days"] = "hari harus dari " + weekdays.joined(separator: ", ")
            } else if !entry.days.allSatisfy({ seen.insert($0).inserted }) {
                problems["hours[\(index)].days"] = "hari ganda (a day appears twice)"
            }
            if OpeningHours("\(entry.opens)-\(entry.closes)") == nil {
                problems["hours[\(index)]"] = "jam HH:MM, buka sebelum tutup (opens before closes)"
            }
        }
        return problems
    }
}

/// How many counters an agency staffs at a site.
public struct SiteCounter: Codable, Sendable, Hashable {
    public var agency: String
    public var counters: Int

    public init(agency: String, counters: Int) {
        self.agency = agency
        self.counters = counters
    }
}

/// Reading and writing sites.
enum SiteRecords {
    static let columns = "id, region, name, address, phone, inaugurated, status, hours, counters, note, updated_at, updated_by"

    static func site(_ row: Row, regions: RegionIndex) -> Site? {
        guard let id = row.string("id"), let region = row.string("region"), let name = row.string("name"),
              let status = row.string("status").flatMap(SiteStatus.init(rawValue:)) else { return nil }
        let hours = (try? JSON.decode([SiteHours].self, from: Array((row.string("hours") ?? "[]").utf8))) ?? []
        let counters = (try? JSON.decode([SiteCounter].self, from: Array((row.string("counters") ?? "[]").utf8))) ?? []
        let place = regions.region(region)
        return Site(id: id, region: region, region_name: place?.name, name: name, address: row.string("address"),
                    phone: row.string("phone"), inaugurated: row.string("inaugurated"), status: status, hours: hours,
                    counters: counters, timezone: place?.timezone ?? IndonesianTimeZone.wib.identifier, zone: place?.zone ?? .wib,
                    note: row.string("note"), updated_at: row.string("updated_at") ?? "", updated_by: row.string("updated_by") ?? "")
    }

    static func site(_ db: Database, id: String, regions: RegionIndex) throws -> Site? {
        try db.queryOne("SELECT \(columns) FROM sites WHERE id = ?", [.text(id)]).flatMap { site($0, regions: regions) }
    }

    static func site(_ db: Database, region: String, regions: RegionIndex) throws -> Site? {
        try db.queryOne("SELECT \(columns) FROM sites WHERE region = ?", [.text(region)]).flatMap { site($0, regions: regions) }
    }

    /// Sites inside `region` (any level), or all.
    static func sites(_ db: Database, inside region: RegionCode?, regions: RegionIndex) throws -> [Site] {
        let rows = try region.map { code in
            try db.query("SELECT \(columns) FROM sites WHERE region = ?1 OR region LIKE ?1 || '.%' OR ?1 LIKE region || '.%' ORDER BY region",
                         [.text(code.value)])
        } ?? db.query("SELECT \(columns) FROM sites ORDER BY region")
        return rows.compactMap { site($0, regions: regions) }
    }

    static func save(_ db: Database, _ site: Site) throws {
        try db.run("""
            INSERT INTO sites (\(columns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
            ON CONFLICT (id) DO UPDATE SET region = ?2, name = ?3, address = ?4, phone = ?5, inaugurated = ?6, status = ?7,
                hours = ?8, counters = ?9, note = ?10, updated_at = ?11, updated_by = ?12
            """, [.text(site.id), .text(site.region), .text(site.name), SQLValue(site.address), SQLValue(site.phone),
                  SQLValue(site.inaugurated), .text(site.status.rawValue), .text(String(decoding: try JSON.encode(site.hours), as: UTF8.self)),
                  .text(String(decoding: try JSON.encode(site.counters), as: UTF8.self)), SQLValue(site.note),
                  .text(site.updated_at), .text(site.updated_by)])
    }
}
