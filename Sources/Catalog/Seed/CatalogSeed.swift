import Bus
import Domain
import Foundation
import Store
import Support

/// Loads the shipped reference data into an empty store, in ONE transaction: every region
/// (91,600), the historical districts, agencies with an office per MPP
/// kab/kota, the two workflows, the 39 phase-1 services (version 1) and the 53 MPP sites.
/// Idempotent: a store that was seeded is left alone (nothing is read from the files then).
///
/// Assumptions, documented in services/catalog/README.md: every seeded MPP site offers every
/// phase-1 service (no `availability` rows: the default rule); sites open Monday–Friday
/// 08:00–16:00 local time, status active, with the counters of `services_details.json`.
enum CatalogSeed {
    typealias Report = SeedSummary

    /// Seeds the store unless it was seeded before; returns nil in that case.
    static func run(store: Store, clock: any Clock) async throws -> Report? {
        if try await store.read({ try isSeeded($0) }) { return nil }
        let started = Monotonic.nanoseconds()
        let reference = try ReferenceData.load()
        let drafts = PhaseOneServices.drafts(reference)
        let time = CloudEvent.format(clock.now())
        let report = try await store.write { db -> Report? in
            guard try !isSeeded(db) else { return nil }
            return try write(reference, drafts: drafts, time: time, db)
        }
        return report.map { report in
            var report = report
            report.milliseconds = Int((Monotonic.nanoseconds() - started) / 1_000_000)
            return report
        }
    }

    static func isSeeded(_ db: Database) throws -> Bool {
        try db.queryOne("SELECT 1 FROM catalog_seed LIMIT 1") != nil
    }

    static func write(_ reference: ReferenceData, drafts: [ServiceDraft], time: String, _ db: Database) throws -> Report {
        var report = Report()
        report.regions = try writeRegions(reference, db)
        for district in reference.historical {
            try db.run("INSERT INTO districts_historical (code, name, last_listed) VALUES (?, ?, ?)",
                       [.text(district.code), .text(district.name), .integer(Int64(district.lastListed))])
        }
        report.historical_districts = reference.historical.count
        let agencies = mergedAgencies(reference)
        for agency in agencies {
            try db.run("INSERT INTO agencies (id, name, short, name_en, kind, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, 'seed')",
                       [.text(agency.id), .text(agency.name), .text(agency.short), SQLValue(agency.name_en),
                        .text(agency.kind ?? "regional"), .text(time)])
        }
        report.agencies = agencies.count
        var workflows: [String: WorkflowDefinition] = [:]
        for (id, body) in reference.services.workflows.sorted(by: { $0.key < $1.key }) {
            workflows[id] = try ServiceRecords.save(db, workflow: body.definition(id: id), changedBy: "seed", at: time).0
        }
        report.workflows = workflows.count
        let codes = Set(reference.regions.map(\.code))
        let validator = ServiceValidator(agencies: Set(agencies.map(\.id)), regionExists: { codes.contains($0.value) })
        for draft in drafts {
            let problems = validator.problems(draft)
            guard problems.isEmpty, let workflow = workflows[draft.workflow.id] else {
                throw CatalogError.reference("service \(draft.id): \(problems.isEmpty ? "unknown workflow" : "\(problems)")")
            }
            var service = draft.with(workflow: workflow)
            service.version = 1
            service.updated_at = time
            service.changed_by = "seed"
            try ServiceRecords.save(db, service)
        }
        report.services = drafts.count
        report.sites = try writeSites(reference, agencies: agencies, time: time, db)
        for (part, rows) in [("regions", report.regions), ("services", report.services), ("sites", report.sites)] {
            try db.run("INSERT INTO catalog_seed (part, rows, seeded_at) VALUES (?, ?, ?)", [.text(part), .integer(Int64(rows)), .text(time)])
        }
        return report
    }

    /// Regions with their search words; the FTS index is filled from the table in level order
    /// (provinces first), so a short prefix query that hits thousands of villages still sees
    /// every matching regency among its first candidates.
    static func writeRegions(_ reference: ReferenceData, _ db: Database) throws -> Int {
        try insertRows(db, "regions (code, name, level, parent, depth, words)", reference.regions.map { region in
            [.text(region.code), .text(region.name), .text(region.level.rawValue), SQLValue(region.parent),
             .integer(Int64(region.level.depth)), .text(RegionQuery.indexWords(name: region.name, level: region.level))]
        })
        try db.run("INSERT INTO regions_fts (code, level, words) SELECT code, level, words FROM regions ORDER BY depth, code")
        return reference.regions.count
    }

    /// Multi-row INSERTs of `chunk` rows each: far fewer statement executions than one per row.
    static func insertRows(_ db: Database, _ target: String, _ rows: [[SQLValue]], chunk: Int = 100) throws {
        guard let width = rows.first?.count else { return }
        let tuple = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        for start in stride(from: 0, to: rows.count, by: chunk) {
            let slice = rows[start..<min(rows.count, start + chunk)]
            let sql = "INSERT INTO \(target) VALUES " + Array(repeating: tuple, count: slice.count).joined(separator: ", ")
            try db.run(sql, slice.flatMap { $0 })
        }
    }

    static func mergedAgencies(_ reference: ReferenceData) -> [ReferenceData.AgencyRow] {
        var merged: [String: ReferenceData.AgencyRow] = [:]
        for agency in reference.services.agencies { merged[agency.id] = agency }
        for agency in reference.details.agencies { merged[agency.id] = agency }
        return merged.values.sorted { $0.id < $1.id }
    }

    /// The MPP sites and, for each, an office of every agency with counters there.
    static func writeSites(_ reference: ReferenceData, agencies: [ReferenceData.AgencyRow], time: String, _ db: Database) throws -> Int {
        let names = Dictionary(uniqueKeysWithValues: reference.regions.lazy.filter { $0.level == .regency }.map { ($0.code, $0.name) })
        let counters = reference.details.site_counters.sorted { $0.key < $1.key }.map { SiteCounter(agency: $0.key, counters: $0.value) }
        for row in reference.sites {
            let zone = IndonesianTimeZone(province: row.regency) ?? .wib
            let site = Site(id: "mpp-" + row.regency, region: row.regency, region_name: names[row.regency], name: row.name,
                            address: nil, phone: nil, inaugurated: row.inaugurated.isEmpty ? nil : row.inaugurated, status: .active,
                            hours: SiteHours.standard, counters: counters, timezone: zone.identifier, zone: zone, note: row.note,
                            updated_at: time, updated_by: "seed")
            try SiteRecords.save(db, site)
            for agency in agencies where counters.contains(where: { $0.agency == agency.id }) {
                try db.run("INSERT INTO agency_offices (id, agency, region, name) VALUES (?, ?, ?, ?)",
                           [.text("\(agency.id)-\(row.regency)"), .text(agency.id), .text(row.regency),
                            .text("\(agency.name) \(names[row.regency] ?? row.regency)")])
            }
        }
        return reference.sites.count
    }
}
