import Bus
import Domain
import Foundation
import ServiceKit
import Store

extension CatalogService {
    func registerSiteMethods() {
        let methods = host.methods
        methods.on("catalog.sites.list") { [unowned self] (request: CatalogAPI.ListSites, _: RequestContext) in
            let paging = try request.paging(Self.referencePages)
            let region = try request.region.map { try self.code($0, field: "region") }
            let regions = self.regions
            let sites = try await self.host.store.read { try SiteRecords.sites($0, inside: region, regions: regions) }
                .filter { request.status == nil || $0.status == request.status }
            return CatalogAPI.Sites(sites: Array(paging.slice(sites)), page: paging.page, page_size: paging.size, total: sites.count)
        }
        methods.on("catalog.sites.get") { [unowned self] (request: CatalogAPI.GetSite, _: RequestContext) -> Site in
            let regions = self.regions
            guard let site = try await self.host.store.read({ try SiteRecords.site($0, id: request.id, regions: regions) }) else {
                throw RPCError(.notFound, "MPP \(request.id) tidak ditemukan (not found)")
            }
            return site
        }
        methods.on("catalog.sites.upsert", .command, roles: Self.regionAdmins) { [unowned self] (request: CatalogAPI.UpsertSite, context: RequestContext) -> Site in
            let regency = try self.code(request.region, field: "region", level: .regency)
            guard self.regions.contains(regency) else { throw RPCError(.notFound, "wilayah \(regency) tidak dikenal (unknown region)") }
            let claims = try self.regionAdmin(context, region: regency.value)
            return try await self.upsertSite(request, regency: regency, by: claims.sub, context: context)
        }
    }

    static func isValidSiteID(_ id: String) -> Bool {
        (2...64).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") }
    }

    func upsertSite(_ request: CatalogAPI.UpsertSite, regency: RegionCode, by author: String, context: RequestContext) async throws -> Site {
        let id = request.id ?? "mpp-" + regency.value
        var problems = SiteHours.problems(request.hours ?? []).merging(ServiceValidator.textProblems([
            ("name", request.name, 200), ("address", request.address, 500), ("phone", request.phone, 50), ("note", request.note, 1_000),
        ])) { first, _ in first }
        if !Self.isValidSiteID(id) { problems["id"] = "huruf kecil, angka, - dan ., 2–64 karakter" }
        if let name = request.name, name.trimmingCharacters(in: .whitespaces).isEmpty { problems["name"] = "wajib diisi (required)" }
        if let date = request.inaugurated, CivilDate(date) == nil { problems["inaugurated"] = "tanggal YYYY-MM-DD" }
        for (index, counter) in (request.counters ?? []).enumerated() where !(0...500).contains(counter.counters) {
            problems["counters[\(index)].counters"] = "harus 0–500"
        }
        if !problems.isEmpty { throw RPCError.invalid(problems) }
        let regions = regions, time = timestamp
        return try await host.store.write { [self] db in
            let agencies = try ServiceRecords.agencyIDs(db)
            let unknown = (request.counters ?? []).enumerated().filter { !agencies.contains($0.element.agency) }
            if !unknown.isEmpty {
                throw RPCError.invalid(Dictionary(uniqueKeysWithValues: unknown.map { ("counters[\($0.offset)].agency", "instansi tidak dikenal (unknown agency)") }))
            }
            let existing = try SiteRecords.site(db, id: id, regions: regions)
            if let existing, existing.region != regency.value {
                throw RPCError.invalid(["region": "MPP \(id) berada di \(existing.region); tidak dapat dipindah (a site cannot move)"])
            }
            if let other = try SiteRecords.site(db, region: regency.value, regions: regions), other.id != id {
                throw RPCError(.alreadyExists, "\(regency) sudah punya MPP \(other.id) (one site per kab/kota)")
            }
            guard let name = request.name ?? existing?.name else { throw RPCError.invalid(["name": "wajib diisi untuk MPP baru (required)"]) }
            let region = regions.region(regency)
            var site = existing ?? Site(id: id, region: regency.value, region_name: region?.name, name: name, status: .active,
                                        hours: SiteHours.standard, counters: [], timezone: region?.timezone ?? "",
                                        zone: region?.zone ?? .wib, updated_at: time, updated_by: author)
            site.name = name
            site.address = request.address ?? site.address
            site.phone = request.phone ?? site.phone
            site.inaugurated = request.inaugurated ?? site.inaugurated
            site.status = request.status ?? site.status
            site.hours = request.hours ?? site.hours
            site.counters = request.counters ?? site.counters
            site.note = request.note ?? site.note
            if let existing, Self.sameSite(existing, site) { return existing }
            site.updated_at = time
            site.updated_by = author
            try SiteRecords.save(db, site)
            try publish(db, "catalog.site_changed", CatalogAPI.SiteChanged(id: id, region: regency.value, status: site.status, changed_by: author),
                        context: context, subject: id)
            return site
        }
    }

    static func sameSite(_ a: Site, _ b: Site) -> Bool {
        var b = b
        b.updated_at = a.updated_at
        b.updated_by = a.updated_by
        return a == b
    }
}

extension Site {
    init(id: String, region: String, region_name: String?, name: String, status: SiteStatus, hours: [SiteHours],
         counters: [SiteCounter], timezone: String, zone: IndonesianTimeZone, updated_at: String, updated_by: String) {
        self.init(id: id, region: region, region_name: region_name, name: name, address: nil, phone: nil, inaugurated: nil,
                  status: status, hours: hours, counters: counters, timezone: timezone, zone: zone, note: nil,
                  updated_at: updated_at, updated_by: updated_by)
    }
}
