import Bus
import Domain
import Store
import Support

extension CatalogService {
    static let regionPages = Paging.Sizes(standard: 100, maximum: 1_000)
    static let searchCandidates = 2_000

    func registerRegionMethods() {
        let methods = host.methods
        // Pure in-memory lookups: answered on the I/O thread, no store, no Codable.
        methods.registerInline("catalog.regions.get") { [unowned self] _, body in
            let request = try RequestFields(body)
            let code = try self.code(try request.string("code", required: true) ?? "", field: "code")
            guard let region = self.regions.region(code, historical: try request.bool("historical") ?? false) else {
                throw RPCError(.notFound, "wilayah \(code) tidak dikenal (unknown region)")
            }
            return Outcome(body: region.jsonBytes)
        }
        // In memory too, but a page may hold 1,000 regions: written off the I/O thread.
        methods.register("catalog.regions.list") { [unowned self] _, body in
            let fields = try RequestFields(body)
            let page = try self.list(CatalogAPI.ListRegions(parent: try fields.string("parent"), level: try fields.choice("level", RegionLevel.self),
                                                           page: try fields.int("page"), page_size: try fields.int("page_size")))
            return Outcome(body: Region.pageBytes(page))
        }
        methods.on("catalog.regions.search") { [unowned self] (request: CatalogAPI.SearchRegions, _: RequestContext) in
            try await self.search(request)
        }
    }

    func list(_ request: CatalogAPI.ListRegions) throws -> CatalogAPI.RegionPage {
        let parent = try request.parent.map { try code($0, field: "parent") }
        if let parent, !regions.contains(parent) { throw RPCError(.notFound, "wilayah \(parent) tidak dikenal (unknown region)") }
        var problems: [String: String] = [:]
        var paging: Paging?
        do { paging = try request.paging(Self.regionPages) } catch { problems = error.fields }
        if let level = request.level, let parent, level <= parent.level {
            problems["level"] = "harus di bawah tingkat \(parent.level.rawValue) (must be below the parent's level)"
        }
        guard let paging, problems.isEmpty else { throw RPCError.invalid(problems) }
        let codes: ArraySlice<String> = if let level = request.level {
            regions.descendants(of: parent, at: level)
        } else {
            regions.children(of: parent)[...]
        }
        return CatalogAPI.RegionPage(regions: paging.slice(codes).compactMap { regions.region($0) }, page: paging.page,
                                     page_size: paging.size, total: codes.count)
    }

    func search(_ request: CatalogAPI.SearchRegions) async throws -> CatalogAPI.RegionResults {
        let query = RegionQuery(request.q)
        let limit = request.limit ?? 20
        var problems: [String: String] = [:]
        if query.raw.isEmpty { problems["q"] = "wajib diisi (required)" }
        if let problem = TextCheck.lengthProblem(request.q, maxLength: 200) { problems["q"] = problem }
        if !(1...100).contains(limit) { problems["limit"] = "di luar rentang 1–100 (out of range)" }
        let parent = try request.parent.map { try code($0, field: "parent") }
        if !problems.isEmpty { throw RPCError.invalid(problems) }
        let words = query.isEmpty ? TextFolding.words(query.raw) : query.words
        let match = TextFolding.matchAll(words)
        let level = request.level?.rawValue
        let inside = parent.map { $0.value + ".%" }
        let candidates = try await host.store.read { db in
            try db.query("""
                SELECT code FROM regions_fts WHERE regions_fts MATCH ?1 AND (?2 IS NULL OR level = ?2)
                    AND (?3 IS NULL OR code LIKE ?3) LIMIT ?4
                """, [.text(match), SQLValue(level), SQLValue(inside), .integer(Int64(Self.searchCandidates))])
                .compactMap { $0.string("code") }
        }
        let ranked = candidates.compactMap { text -> (key: (Int, Int, Int, Int, String), region: Region)? in
            guard let code = RegionCode(text), let region = regions.region(code) else { return nil }
            return (query.rank(code: code, name: region.name, level: region.level), region)
        }
        .sorted { $0.key < $1.key }
        return CatalogAPI.RegionResults(results: ranked.prefix(limit).map(\.region))
    }
}
