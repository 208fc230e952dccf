import Domain
import Foundation
import Support

/// The reference data shipped in `Sources/Catalog/Reference/` (see its README for sources and
/// licences), parsed. Loaded once, on the first start, into the catalog's store.
struct ReferenceData: Sendable {
    struct RegionRow: Sendable {
        var code: String
        var name: String
        var level: RegionLevel
        var parent: String?
    }

    struct HistoricalDistrict: Sendable {
        var code: String
        var name: String
        var lastListed: Int
    }

    struct SiteRow: Sendable {
        var regency: String
        var name: String
        var inaugurated: String
        var note: String
    }

    /// `services_phase1.json`.
    struct Services: Decodable, Sendable {
        var agencies: [AgencyRow]
        var workflows: [String: WorkflowBody]
        var services: [ServiceDraft]
    }

    struct AgencyRow: Codable, Sendable {
        var id: String
        var name: String
        var short: String
        var name_en: String?
        var kind: String?
    }

    /// A workflow in the file, keyed by id (the body has no `id`).
    struct WorkflowBody: Decodable, Sendable {
        var description: String?
        var states: [String]
        var paused_states: [String]?
        var terminal_states: [String]
        var actions: [WorkflowAction]
        var on_sla_expiry: SLAExpiryRule?

        func definition(id: String) -> WorkflowDefinition {
            WorkflowDefinition(id: id, description: description, states: states, paused_states: paused_states ?? [],
                               terminal_states: terminal_states, actions: actions, on_sla_expiry: on_sla_expiry)
        }
    }

    /// `services_details.json`: this project's additions to the phase-1 file (descriptions,
    /// English labels, search keywords, example values, more agency types, default counters).
    struct Details: Decodable, Sendable {
        struct Text: Decodable, Sendable {
            var id: String
            var en: String
        }
        var agencies: [AgencyRow]
        var descriptions: [String: Text]
        var group_descriptions: [String: Text]
        var keywords: [String: [String]]
        var group_keywords: [String: [String]]
        var field_labels_en: [String: String]
        var requirement_labels_en: [String: String]
        var field_examples: [String: JSONValue]
        var site_counters: [String: Int]
    }

    var regions: [RegionRow]
    var historical: [HistoricalDistrict]
    var sites: [SiteRow]
    var services: Services
    var details: Details

    /// The folder of the shipped files: `MPP_CATALOG_REFERENCE` if set, else the `Reference`
    /// folder of the Catalog resource bundle (`<package>_Catalog.resources`, installed next to
    /// the executable, or in the build folder during development).
    static func folder(environment: Environment = Environment()) throws -> URL {
        if let path = environment.optional("MPP_CATALOG_REFERENCE") {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        let beside = Bundle.main.bundleURL
        let bundles = (try? FileManager.default.contentsOfDirectory(atPath: beside.path)) ?? []
        if let name = bundles.first(where: { $0.hasSuffix("_Catalog.resources") }) {
            return beside.appendingPathComponent(name).appendingPathComponent("Reference")
        }
        guard let url = Bundle.module.url(forResource: "Reference", withExtension: nil) else {
            throw CatalogError.reference("Reference folder missing from the Catalog bundle; set MPP_CATALOG_REFERENCE")
        }
        return url
    }

    static func load() throws -> ReferenceData {
        let folder = try folder()
        func bytes(_ name: String) throws -> [UInt8] {
            do { return Array(try Data(contentsOf: folder.appendingPathComponent(name))) } catch {
                throw CatalogError.reference("cannot read \(name): \(error)")
            }
        }
        func csv(_ name: String) throws -> [CSVReader.Record] {
            do { return try CSVReader.records(try bytes(name)) } catch { throw CatalogError.reference("\(name): \(error)") }
        }
        func json<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
            do { return try JSONDecoder().decode(T.self, from: Data(try bytes(name))) } catch {
                throw CatalogError.reference("\(name): \(error)")
            }
        }
        let regions = try csv("regions.csv").map { row -> RegionRow in
            // The code's length tells its level (2, 5, 8, 13 characters); RegionCode checks digits in tests.
            guard let code = row["code"], let level = row["level"].flatMap(RegionLevel.init(rawValue:)),
                  [2, 5, 8, 13][level.depth - 1] == code.utf8.count else {
                throw CatalogError.reference("regions.csv: bad row \(row.fields)")
            }
            let parent = row["parent"].flatMap { $0.isEmpty ? nil : $0 }
            return RegionRow(code: code, name: clean(row["name"] ?? ""), level: level, parent: parent)
        }
        let historical = try csv("districts_historical.csv").map { row -> HistoricalDistrict in
            guard let code = row["code"], RegionCode(code)?.level == .district else {
                throw CatalogError.reference("districts_historical.csv: bad row \(row.fields)")
            }
            return HistoricalDistrict(code: code, name: clean(row["name"] ?? ""), lastListed: Int(row["last_listed"] ?? "") ?? 0)
        }
        let sites = try csv("mpp_sites.csv").map { row -> SiteRow in
            guard let regency = row["regency_code"], RegionCode(regency)?.level == .regency else {
                throw CatalogError.reference("mpp_sites.csv: bad row \(row.fields)")
            }
            return SiteRow(regency: regency, name: clean(row["site_name"] ?? ""), inaugurated: row["inaugurated"] ?? "",
                           note: row["source_note"] ?? "")
        }
        return ReferenceData(regions: regions, historical: historical, sites: sites,
                             services: try json(Services.self, "services_phase1.json"),
                             details: try json(Details.self, "services_details.json"))
    }

    /// Trims and collapses runs of spaces (a few names in the source end with a space).
    static func clean(_ name: String) -> String {
        name.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}

/// Problems of the catalog's own data (not of a request).
enum CatalogError: Error, CustomStringConvertible {
    case reference(String)
    var description: String {
        switch self {
        case .reference(let reason): "reference data: \(reason)"
        }
    }
}
