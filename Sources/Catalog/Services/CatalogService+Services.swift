import Bus
import Domain
import ServiceKit
import Store
import Support

extension CatalogService {
    func registerServiceMethods() {
        let methods = host.methods
        // The stored JSON of a version is the reply: no decoding, no encoding.
        methods.register("catalog.services.get") { [unowned self] _, body in
            let fields = try RequestFields(body)
            let id = try fields.string("id", required: true) ?? "", version = try fields.int("version")
            guard let json = try await self.host.store.read({ try ServiceRecords.serviceJSON($0, id: id, version: version) }) else {
                throw RPCError(.notFound, "layanan \(id)\(version.map { " versi \($0)" } ?? "") tidak ditemukan (not found)")
            }
            return Outcome(body: Array(json.utf8))
        }
        methods.on("catalog.services.versions") { [unowned self] (request: CatalogAPI.ListVersions, _: RequestContext) in
            let paging = try request.paging(Self.referencePages)
            let versions = try await self.host.store.read { try ServiceRecords.versions($0, id: request.id) }
            guard !versions.isEmpty else { throw RPCError(.notFound, "layanan \(request.id) tidak ditemukan (not found)") }
            return CatalogAPI.ServiceVersions(id: request.id, versions: Array(paging.slice(versions)), page: paging.page,
                                              page_size: paging.size, total: versions.count)
        }
        // A hot path: parsed and written without Codable (CatalogAPI.SearchServices / ServiceResults on
        // the wire). A repeated search is answered from the cache on the I/O thread; a new one reads SQLite.
        methods.register("catalog.services.search", .inlineQuery) { [unowned self] _, body in
            let request = try RequestFields(body)
            let limit = try request.int("limit") ?? 20
            guard (1...100).contains(limit) else { throw RPCError.invalid(["limit": "di luar rentang 1–100 (out of range)"]) }
            let filters = ServiceFilters(region: try request.string("region").map { try self.regency($0, field: "region").value },
                                         agency: try request.string("agency"), channel: try request.choice("channel", ServiceChannel.self)?.rawValue,
                                         group: try request.string("group"))
            let text = try request.string("q")
            let long = ServiceValidator.textProblems([("q", text, 200), ("agency", filters.agency, 64), ("group", filters.group, 64)])
            if !long.isEmpty { throw RPCError.invalid(long) }
            let key = ServiceSearch.cacheKey(text: text, filters: filters, limit: limit)
            let cached = self.searchCache.lookup(key)
            if let reply = cached.reply { return Outcome(body: reply) }
            let results = try await self.host.store.read { try ServiceSearch.run($0, text: text, filters: filters, limit: limit) }
            let reply = JSONWriter.write(["results": .array(results.map(\.json))])
            self.searchCache.store(key, reply, generation: cached.generation)
            return Outcome(body: reply)
        }
        methods.on("catalog.services.upsert", .command, roles: [.ops]) { [unowned self] (request: CatalogAPI.UpsertService, context: RequestContext) in
            let claims = try self.host.auth.claims(context)
            return try await self.upsert(request, by: claims.sub, context: context)
        }
    }

    /// Validates and stores a service definition as its next version (nothing when it equals the
    /// current one), in one transaction with its `catalog.service_changed` event.
    func upsert(_ request: CatalogAPI.UpsertService, by author: String, context: RequestContext) async throws -> CatalogAPI.UpsertResult {
        let draft = request.service
        let regions = regions, time = timestamp
        return try await host.store.write { [self] db in
            let validator = ServiceValidator(agencies: try ServiceRecords.agencyIDs(db), regionExists: { regions.contains($0) })
            var problems = validator.problems(draft)
            if case .id(let id) = draft.workflow, try ServiceRecords.workflow(db, id: id) == nil {
                problems["service.workflow"] = "workflow \"\(id)\" tidak dikenal (unknown workflow)"
            }
            if !problems.isEmpty { throw RPCError.invalid(problems, message: "definisi layanan tidak valid (invalid service)") }
            let current = try ServiceRecords.service(db, id: draft.id)
            if let expected = request.expected_version, expected != (current?.version ?? 0) {
                throw RPCError(.aborted, "versi saat ini \(current?.version ?? 0), bukan \(expected) (changed meanwhile: reload)",
                               details: ["current_version": .number(Double(current?.version ?? 0))])
            }
            var alsoChanged: [String] = []
            let workflow: WorkflowDefinition
            switch draft.workflow {
            case .id(let id):
                workflow = try ServiceRecords.workflow(db, id: id)!
            case .definition(let definition):
                let saved = try saveWorkflow(definition, by: author, time: time, context: context, except: draft.id, db)
                workflow = saved.workflow
                alsoChanged = saved.services
            }
            let next = draft.with(workflow: workflow)
            if let current, Self.sameContent(current, next) {
                return CatalogAPI.UpsertResult(id: draft.id, version: current.version ?? 1, changed: false, also_changed: alsoChanged)
            }
            let version = try storeVersion(next, previous: current?.version, by: author, time: time, context: context, db)
            return CatalogAPI.UpsertResult(id: draft.id, version: version, changed: true, also_changed: alsoChanged)
        }
    }

    /// Writes `service` as the version after `previous` and publishes `catalog.service_changed`.
    func storeVersion(_ service: ServiceDefinition, previous: Int?, by author: String, time: String,
                      context: RequestContext?, _ db: Database) throws -> Int {
        var service = service
        let version = (previous ?? 0) + 1
        service.version = version
        service.updated_at = time
        service.changed_by = author
        try ServiceRecords.save(db, service)
        try publish(db, "catalog.service_changed", CatalogAPI.ServiceChanged(
            id: service.id, version: version, changed_by: author, previous_version: previous, workflow: service.workflow.id),
            context: context, subject: service.id)
        return version
    }

    /// Equal apart from the version bookkeeping.
    static func sameContent(_ a: ServiceDefinition, _ b: ServiceDefinition) -> Bool {
        func strip(_ service: ServiceDefinition) -> ServiceDefinition {
            var copy = service
            copy.version = nil
            copy.updated_at = nil
            copy.changed_by = nil
            return copy
        }
        return strip(a) == strip(b)
    }
}
