import Domain
import Store

/// One hit of `catalog.services.search`.
public struct ServiceSummary: Codable, Sendable, Equatable {
    public var id: String
    public var version: Int
    public var name: String
    public var name_en: String
    public var agency: String
    public var also_involves: [String]
    public var group: String?
    public var channels: [String]
    public var sla: SLA
    /// The fee in the searched region (its override, if any), else the service's fee.
    public var fee_idr: Int
    /// Relevance (FTS5 BM25, higher is better); 0 without a query.
    public var score: Double
}

/// Filters of a service search; nil means any.
public struct ServiceFilters: Sendable {
    /// Only services offered in this kab/kota (`NN.NN`).
    public var region: String?
    /// Only services of (or involving) this agency.
    public var agency: String?
    public var channel: String?
    public var group: String?

    public init(region: String? = nil, agency: String? = nil, channel: String? = nil, group: String? = nil) {
        self.region = region
        self.agency = agency
        self.channel = channel
        self.group = group
    }
}

/// Service search on SQLite FTS5: the query is normalised (`ServiceQuery`), every term must
/// match (else any term), ranked by BM25 with the name weighing most, then keywords, English
/// name, output document and the rest (description, requirements).
public enum ServiceSearch {
    static let columns = """
        SELECT s.id, s.version, s.name, s.name_en, s.agency, s.also_involves, s.group_id, s.channels, s.sla_value, s.sla_unit,
               COALESCE((SELECT a.fee_idr FROM availability a WHERE a.service = s.id AND a.region = ?4), s.fee_idr) AS fee
        """
    static let filters = """
        s.active = 1
          AND (?2 IS NULL OR s.agency = ?2 OR instr(s.also_involves, ',' || ?2 || ',') > 0)
          AND (?3 IS NULL OR instr(s.channels, ',' || ?3 || ',') > 0)
          AND (?4 IS NULL OR COALESCE((SELECT a.offered FROM availability a WHERE a.service = s.id AND a.region = ?4),
                                      EXISTS (SELECT 1 FROM sites WHERE region = ?4 AND status = 'active')))
          AND (?5 IS NULL OR s.group_id = ?5)
        """
    static let ranked = """
        \(columns), -bm25(services_fts, 10.0, 4.0, 6.0, 2.0, 1.0) AS score
        FROM services_fts JOIN services s ON s.rowid = services_fts.rowid
        WHERE services_fts MATCH ?1 AND \(filters)
        ORDER BY score DESC, s.id LIMIT ?6
        """
    static let browse = """
        \(columns), 0.0 AS score FROM services s
        WHERE ?1 IS NULL AND \(filters)
        ORDER BY s.name LIMIT ?6
        """

    /// Services matching `text` (all services when it is empty) and `filters`, best first.
    public static func run(_ db: Database, text: String?, filters: ServiceFilters = ServiceFilters(), limit: Int = 20) throws -> [ServiceSummary] {
        let query = ServiceQuery(text ?? "")
        let common: [SQLValue] = [SQLValue(filters.agency), SQLValue(filters.channel), SQLValue(filters.region),
                                  SQLValue(filters.group), .integer(Int64(limit))]
        guard !query.isEmpty else { return try db.query(browse, [.null] + common).compactMap(summary) }
        let all = try db.query(ranked, [.text(query.matchAll)] + common)
        if !all.isEmpty || query.terms.count == 1 { return all.compactMap(summary) }
        return try db.query(ranked, [.text(query.matchAny)] + common).compactMap(summary)
    }

    /// Requests that normalise alike ("KTP", "e-ktp") share a key.
    static func cacheKey(text: String?, filters: ServiceFilters, limit: Int) -> String {
        let terms = ServiceQuery(text ?? "").terms.map { $0.joined(separator: " ") }.joined(separator: "/")
        return [terms, filters.region ?? "", filters.agency ?? "", filters.channel ?? "", filters.group ?? "", String(limit)]
            .joined(separator: "|")
    }

    static func summary(_ row: Row) -> ServiceSummary? {
        guard let id = row.string("id"), let unit = row.string("sla_unit").flatMap(SLAUnit.init(rawValue:)) else { return nil }
        let split = { (column: String) in (row.string(column) ?? "").split(separator: ",").map(String.init) }
        return ServiceSummary(id: id, version: row.int("version") ?? 0, name: row.string("name") ?? "",
                              name_en: row.string("name_en") ?? "", agency: row.string("agency") ?? "",
                              also_involves: split("also_involves"), group: row.string("group_id"), channels: split("channels"),
                              sla: SLA(value: row.int("sla_value") ?? 0, unit: unit), fee_idr: row.int("fee") ?? 0,
                              score: row.double("score") ?? 0)
    }
}
