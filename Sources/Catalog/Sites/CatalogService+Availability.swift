import Bus
import Domain
import ServiceKit
import Store

/// Which services a kab/kota offers, where, and at what fee. The default rule: an active service
/// is offered in every kab/kota with an active MPP site, at that site, at the service's fee. A
/// kab/kota changes that per service with `catalog.availability.set` (an explicit row).
extension CatalogService {
    func registerAvailabilityMethods() {
        let methods = host.methods
        methods.on("catalog.availability.get") { [unowned self] (request: CatalogAPI.GetAvailability, _: RequestContext) in
            let regency = try self.regency(request.region, field: "region")
            let answers = try await self.host.store.read { try Self.availability($0, region: regency.value, service: request.service) }
            guard let answer = answers.first else { throw RPCError(.notFound, "layanan \(request.service) tidak ditemukan (not found)") }
            return answer
        }
        methods.on("catalog.availability.list") { [unowned self] (request: CatalogAPI.ListAvailability, _: RequestContext) in
            let paging = try request.paging(Self.referencePages)
            let regency = try self.regency(request.region, field: "region")
            let answers = try await self.host.store.read { try Self.availability($0, region: regency.value, service: nil) }
            return CatalogAPI.AvailabilityList(region: regency.value, services: Array(paging.slice(answers)), page: paging.page,
                                               page_size: paging.size, total: answers.count)
        }
        methods.on("catalog.availability.set", .command, roles: Self.regionAdmins) { [unowned self] (request: CatalogAPI.SetAvailability, context: RequestContext) in
            let regency = try self.regency(request.region, field: "region")
            let claims = try self.regionAdmin(context, region: regency.value)
            return try await self.setAvailability(request, regency: regency.value, by: claims.sub, context: context)
        }
    }

    /// The availability of one service (or every service) in a kab/kota.
    static func availability(_ db: Database, region: String, service: String?) throws -> [CatalogAPI.Availability] {
        let site = try db.queryOne("SELECT id, name, status FROM sites WHERE region = ?", [.text(region)])
        let siteIsActive = site?.string("status") == SiteStatus.active.rawValue
        let rows = try db.query("""
            SELECT s.id, s.channels, s.fee_idr AS base_fee, s.active, a.offered, a.site, a.fee_idr, a.note,
                   (SELECT name FROM sites WHERE id = a.site) AS chosen_site_name
            FROM services s LEFT JOIN availability a ON a.service = s.id AND a.region = ?1
            WHERE (?2 IS NULL OR s.id = ?2) ORDER BY s.id
            """, [.text(region), SQLValue(service)])
        return rows.compactMap { row in
            guard let id = row.string("id") else { return nil }
            let explicit = row.bool("offered")
            let active = row.bool("active") ?? false
            let offered = active && (explicit ?? siteIsActive)
            let chosenSite = row.string("site")
            let channels = (row.string("channels") ?? "").split(separator: ",").compactMap { ServiceChannel(rawValue: String($0)) }
            return CatalogAPI.Availability(
                service: id, region: region, offered: offered,
                site: offered ? chosenSite ?? (siteIsActive ? site?.string("id") : nil) : nil,
                site_name: offered ? (chosenSite != nil ? row.string("chosen_site_name") : siteIsActive ? site?.string("name") : nil) : nil,
                fee_idr: row.int("fee_idr") ?? row.int("base_fee") ?? 0, fee_overridden: row.int("fee_idr") != nil,
                channels: channels, source: explicit == nil ? "default" : "region", note: row.string("note"))
        }
    }

    func setAvailability(_ request: CatalogAPI.SetAvailability, regency: String, by author: String,
                         context: RequestContext) async throws -> CatalogAPI.Availability {
        let time = timestamp
        return try await host.store.write { [self] db in
            guard let service = try db.queryOne("SELECT group_id FROM services WHERE id = ?", [.text(request.service)]) else {
                throw RPCError(.notFound, "layanan \(request.service) tidak ditemukan (not found)")
            }
            var problems = ServiceValidator.textProblems([("note", request.note, 1_000)])
            if let fee = request.fee_idr {
                if !ServiceValidator.feeRange.contains(fee) { problems["fee_idr"] = ServiceValidator.feeProblem }
                if let group = service.string("group_id"), ServiceValidator.freeByLawGroups.contains(group), fee != 0 {
                    problems["fee_idr"] = "layanan adminduk tidak dipungut biaya (free by law, UU 24/2013 Pasal 79A)"
                }
            }
            if let site = request.site {
                let region = try db.queryOne("SELECT region FROM sites WHERE id = ?", [.text(site)])?.string("region")
                if region != regency { problems["site"] = "MPP \(site) tidak ada di \(regency) (not a site of this kab/kota)" }
            }
            if !problems.isEmpty { throw RPCError.invalid(problems) }
            try db.run("""
                INSERT INTO availability (service, region, offered, site, fee_idr, note, updated_at, updated_by)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                ON CONFLICT (service, region) DO UPDATE SET offered = ?3, site = ?4, fee_idr = ?5, note = ?6, updated_at = ?7, updated_by = ?8
                """, [.text(request.service), .text(regency), SQLValue(request.offered), SQLValue(request.site),
                      request.fee_idr.map { .integer(Int64($0)) } ?? .null, SQLValue(request.note), .text(time), .text(author)])
            try publish(db, "catalog.availability_changed", CatalogAPI.AvailabilityChanged(
                service: request.service, region: regency, offered: request.offered, fee_idr: request.fee_idr, changed_by: author),
                context: context, subject: "\(request.service)@\(regency)")
            return try Self.availability(db, region: regency, service: request.service)[0]
        }
    }
}
