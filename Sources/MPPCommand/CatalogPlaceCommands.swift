import Bus
import Catalog
import Domain
import Foundation
import Support

/// `mpp regions CODE|NAME`: a region and its children, or regions found by name.
struct RegionsCommand: Command {
    let name = "regions"
    let summary = "a region and its children (CODE: 51.05, 5105), or regions by name (NAME: \"kab. klungkung\")"
    let usage = "mpp regions CODE|NAME… [--level province|regency|district|village] [--page N] [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let text = arguments.positional.joined(separator: " ")
        guard !text.isEmpty else { throw UsageError("missing CODE or NAME") }
        let level = try arguments.option("level").map { text in
            guard let level = RegionLevel(rawValue: text) else { throw UsageError("--level: province, regency, district or village") }
            return level
        }
        guard let code = RegionCode(text) else {
            let reply = try await context.call("catalog.regions.search", CatalogAPI.SearchRegions(q: text, level: level, limit: 50),
                                               as: CatalogAPI.RegionResults.self, arguments)
            context.emit(reply) { reply.results.isEmpty ? "tidak ditemukan (no region matches \"\(text)\")" : Self.table(reply.results) }
            return 0
        }
        // Historical districts (still in old NIKs) are shown too, marked as such.
        let region = try await context.call("catalog.regions.get", CatalogAPI.GetRegion(code: code.value, historical: true),
                                            as: Region.self, arguments)
        let children = region.level == .village || region.historical ? nil : try await context.call(
            "catalog.regions.list", CatalogAPI.ListRegions(parent: region.code, level: level, page: try arguments.option("page").map(positiveNumber)),
            as: CatalogAPI.RegionPage.self, arguments)
        struct Both: Encodable { var region: Region; var children: CatalogAPI.RegionPage? }
        context.emit(Both(region: region, children: children)) {
            var lines = ["\(region.code)  \(region.name)  (\(region.level.rawValue)\(region.historical ? ", historical" : ""))",
                         "  province \(region.province) \(region.province_name ?? "") · \(region.zone.rawValue) \(region.timezone)"]
            if let parent = region.parent { lines.append("  parent   \(parent)") }
            if let children, !children.regions.isEmpty {
                lines.append("")
                lines.append(Self.table(children.regions))
                if Paging.hasMore(page: children.page, pageSize: children.page_size, total: children.total) {
                    lines.append("… page \(children.page) of \(children.total) regions: --page \(children.page + 1)")
                }
            }
            return lines.joined(separator: "\n")
        }
        return 0
    }

    static func table(_ regions: [Region]) -> String {
        formatTable([["CODE", "NAME", "LEVEL", "PROVINCE", "ZONE"]] + regions.map {
            [$0.code, $0.name, $0.level.rawValue, $0.province_name ?? $0.province, $0.zone.rawValue]
        })
    }
}

/// `mpp sites [--region CODE]`: MPP sites with status, hours and counters.
struct SitesCommand: Command {
    let name = "sites"
    let summary = "MPP sites (all, or inside --region), with status and opening hours"
    let usage = "mpp sites [--region CODE] [--status active|inactive] [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let status = try arguments.option("status").map { text in
            guard let status = SiteStatus(rawValue: text) else { throw UsageError("--status: active or inactive") }
            return status
        }
        let reply = try await context.call("catalog.sites.list", CatalogAPI.ListSites(region: arguments.option("region"), status: status),
                                           as: CatalogAPI.Sites.self, arguments)
        context.emit(reply) {
            guard !reply.sites.isEmpty else { return "tidak ada MPP (no site)" }
            return formatTable([["ID", "NAME", "KAB/KOTA", "STATUS", "HOURS", "COUNTERS"]] + reply.sites.map { site in
                [site.id, site.name, site.region_name ?? site.region, site.status.rawValue,
                 site.hours.map { "\($0.days.first ?? "")–\($0.days.last ?? "") \($0.opens)–\($0.closes) \(site.zone.rawValue)" }.joined(separator: "; "),
                 String(site.counters.map(\.counters).reduce(0, +))]
            })
        }
        return 0
    }
}
