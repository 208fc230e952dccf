import Bus
import Domain
import Foundation
import ServiceKit
import Store

/// Agency types (Disdukcapil, DPMPTSP, Dinkes, Polres, Kantah…) and their offices per kab/kota.
extension CatalogService {
    static let agencyKinds: Set<String> = ["regional", "vertical"]

    func registerAgencyMethods() {
        let methods = host.methods
        methods.on("catalog.agencies.list") { [unowned self] (request: CatalogAPI.ListAgencies, _: RequestContext) in
            let inside = try request.region.map { try self.code($0, field: "region").value }
            return try await self.host.store.read { db in
                let agencies = try db.query("SELECT id, name, short, name_en, kind FROM agencies ORDER BY id").map {
                    CatalogAPI.Agency(id: $0.string("id") ?? "", name: $0.string("name") ?? "", short: $0.string("short") ?? "",
                                      name_en: $0.string("name_en"), kind: $0.string("kind") ?? "regional")
                }
                let offices = try db.query("""
                    SELECT id, agency, region, name FROM agency_offices
                    WHERE ?1 IS NULL OR region = ?1 OR region LIKE ?1 || '.%' OR ?1 LIKE region || '.%' ORDER BY region, agency
                    """, [SQLValue(inside)]).map {
                    CatalogAPI.AgencyOffice(id: $0.string("id") ?? "", agency: $0.string("agency") ?? "",
                                            region: $0.string("region") ?? "", name: $0.string("name") ?? "")
                }
                return CatalogAPI.Agencies(agencies: agencies, offices: offices)
            }
        }
        methods.on("catalog.agencies.upsert", .command, roles: [.ops]) { [unowned self] (request: CatalogAPI.Agency, context: RequestContext) in
            let claims = try self.host.auth.claims(context)
            var problems = ServiceValidator.textProblems([("name", request.name, 200), ("short", request.short, 50), ("name_en", request.name_en, 200)])
            if !ServiceValidator.isValidID(request.id) { problems["id"] = "huruf kecil, angka dan -, 2–64 karakter (lowercase slug)" }
            if request.name.trimmingCharacters(in: .whitespaces).isEmpty { problems["name"] = "wajib diisi (required)" }
            if request.short.trimmingCharacters(in: .whitespaces).isEmpty { problems["short"] = "wajib diisi (required)" }
            if !Self.agencyKinds.contains(request.kind) { problems["kind"] = "harus regional atau vertical" }
            if !problems.isEmpty { throw RPCError.invalid(problems) }
            let time = self.timestamp
            return try await self.host.store.write { [self] db in
                try db.run("""
                    INSERT INTO agencies (id, name, short, name_en, kind, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                    ON CONFLICT (id) DO UPDATE SET name = ?2, short = ?3, name_en = ?4, kind = ?5, updated_at = ?6, updated_by = ?7
                    """, [.text(request.id), .text(request.name), .text(request.short), SQLValue(request.name_en),
                          .text(request.kind), .text(time), .text(claims.sub)])
                try publish(db, "catalog.agency_changed", CatalogAPI.AgencyChanged(id: request.id, changed_by: claims.sub),
                            context: context, subject: request.id)
                return request
            }
        }
    }
}
