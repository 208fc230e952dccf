import Domain
import Store

/// A region as the catalog answers it (`catalog.regions.get`, `.list`, `.search`).
public struct Region: Codable, Sendable, Equatable {
    /// Dotted Kemendagri code.
    public var code: String
    public var name: String
    public var level: RegionLevel
    public var parent: String?
    /// Province code (`NN`) and name.
    public var province: String
    public var province_name: String?
    /// Kab/kota code (`NN.NN`) for regencies and below.
    public var regency: String?
    /// IANA time zone of the province and its Indonesian name (WIB/WITA/WIT).
    public var timezone: String
    public var zone: IndonesianTimeZone
    /// True for a district code that was listed in 2016–2023 but not in the current decree
    /// (a NIK keeps the district code of its first registration).
    public var historical: Bool
    /// For a historical district: the last year it was listed.
    public var last_listed: Int?
}

/// Every region in memory (91,600 codes, about 10 MB), built from the store at start: lookups
/// and child listings answer without touching SQLite, so they run on the bus's I/O thread.
/// Regions are reference data: they change only with a new shipped decree (a migration).
struct RegionIndex: Sendable {
    struct Entry: Sendable {
        let name: String
        let level: RegionLevel
        let parent: String?
    }

    struct Historical: Sendable {
        let name: String
        let lastListed: Int
    }

    private(set) var entries: [String: Entry] = [:]
    /// Parent code ("" for the country) → child codes, sorted.
    private(set) var children: [String: [String]] = [:]
    /// Level → every code of that level, sorted (prefix ranges by binary search).
    private(set) var byLevel: [RegionLevel: [String]] = [:]
    private(set) var historical: [String: Historical] = [:]

    /// Reads the seeded tables.
    static func load(_ db: Database) throws -> RegionIndex {
        var index = RegionIndex()
        for row in try db.query("SELECT code, name, level, parent FROM regions ORDER BY code") {
            guard let code = row.string("code"), let name = row.string("name"),
                  let level = row.string("level").flatMap(RegionLevel.init(rawValue:)) else { continue }
            let parent = row.string("parent")
            index.entries[code] = Entry(name: name, level: level, parent: parent)
            index.children[parent ?? "", default: []].append(code)
            index.byLevel[level, default: []].append(code)
        }
        for row in try db.query("SELECT code, name, last_listed FROM districts_historical") {
            guard let code = row.string("code"), let name = row.string("name") else { continue }
            index.historical[code] = Historical(name: name, lastListed: row.int("last_listed") ?? 0)
        }
        return index
    }

    var count: Int { entries.count }

    func count(_ level: RegionLevel) -> Int { byLevel[level]?.count ?? 0 }

    /// Whether `code` is a current region (or, with `historical`, a historical district).
    func contains(_ code: RegionCode, historical includeHistorical: Bool = false) -> Bool {
        entries[code.value] != nil || (includeHistorical && historical[code.value] != nil)
    }

    /// The region of `code`; historical districts only when asked for.
    func region(_ code: RegionCode, historical includeHistorical: Bool = false) -> Region? {
        if let entry = entries[code.value] {
            return region(code, name: entry.name, level: entry.level, parent: entry.parent, historical: nil)
        }
        if includeHistorical, let old = historical[code.value] {
            return region(code, name: old.name, level: .district, parent: code.parent?.value, historical: old)
        }
        return nil
    }

    /// The region of a code known to be in the index.
    func region(_ code: String) -> Region? { RegionCode(code).flatMap { region($0) } }

    private func region(_ code: RegionCode, name: String, level: RegionLevel, parent: String?, historical: Historical?) -> Region {
        let province = code.province.value
        let zone = IndonesianTimeZone(province: province) ?? .wib
        return Region(code: code.value, name: name, level: level, parent: parent, province: province,
                      province_name: entries[province]?.name, regency: code.regency?.value,
                      timezone: zone.identifier, zone: zone, historical: historical != nil, last_listed: historical?.lastListed)
    }

    /// Codes directly under `parent` (provinces when nil), sorted.
    func children(of parent: RegionCode?) -> [String] { children[parent?.value ?? ""] ?? [] }

    /// Codes at `level` inside `ancestor` (everywhere when nil), sorted.
    func descendants(of ancestor: RegionCode?, at level: RegionLevel) -> ArraySlice<String> {
        let all = byLevel[level] ?? []
        guard let ancestor else { return all[...] }
        // Codes inside "32.73" sort between "32.73." and "32.73/" ('/' follows '.').
        return all[lowerBound(all, ancestor.value + ".")..<lowerBound(all, ancestor.value + "/")]
    }

    private func lowerBound(_ sorted: [String], _ key: String) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
