import Bus
import Domain
import ServiceKit
import Store

extension CatalogService {
    func registerWorkflowMethods() {
        let methods = host.methods
        methods.on("catalog.workflows.get") { [unowned self] (request: CatalogAPI.GetWorkflow, _: RequestContext) -> WorkflowDefinition in
            let workflow = try await self.host.store.read { try ServiceRecords.workflow($0, id: request.id, version: request.version) }
            guard let workflow else { throw RPCError(.notFound, "workflow \(request.id) tidak ditemukan (not found)") }
            return workflow
        }
        methods.on("catalog.workflows.list") { [unowned self] (request: CatalogAPI.ListWorkflows, _: RequestContext) in
            let paging = try request.paging(Self.referencePages)
            let workflows = try await self.host.store.read { try ServiceRecords.workflowSummaries($0) }
            return CatalogAPI.Workflows(workflows: Array(paging.slice(workflows)), page: paging.page, page_size: paging.size,
                                        total: workflows.count)
        }
        methods.on("catalog.workflows.upsert", .command, roles: [.ops]) { [unowned self] (request: CatalogAPI.UpsertWorkflow, context: RequestContext) in
            let claims = try self.host.auth.claims(context)
            let time = self.timestamp
            return try await self.host.store.write { [self] db in
                let validator = ServiceValidator(agencies: try ServiceRecords.agencyIDs(db), regionExists: { _ in true })
                let problems = validator.workflowProblems(request.workflow, prefix: "workflow")
                if !problems.isEmpty { throw RPCError.invalid(problems, message: "workflow tidak valid (invalid workflow)") }
                let saved = try saveWorkflow(request.workflow, by: claims.sub, time: time, context: context, except: nil, db)
                return CatalogAPI.UpsertResult(id: saved.workflow.id, version: saved.workflow.version ?? 1,
                                               changed: saved.changed, also_changed: saved.services)
            }
        }
    }

    /// Stores a (validated) workflow as a new version when it changed, publishes
    /// `catalog.workflow_changed`, and gives every service that follows it (but `except`) a new
    /// version carrying the new workflow, each with its `catalog.service_changed`.
    func saveWorkflow(_ workflow: WorkflowDefinition, by author: String, time: String, context: RequestContext?,
                      except: String?, _ db: Database) throws -> (workflow: WorkflowDefinition, changed: Bool, services: [String]) {
        let (saved, changed) = try ServiceRecords.save(db, workflow: workflow, changedBy: author, at: time)
        guard changed else { return (saved, false, []) }
        try publish(db, "catalog.workflow_changed", CatalogAPI.WorkflowChanged(id: saved.id, version: saved.version ?? 1, changed_by: author),
                    context: context, subject: saved.id)
        var bumped: [String] = []
        for id in try ServiceRecords.services(following: saved.id, db) where id != except {
            guard var service = try ServiceRecords.service(db, id: id) else { continue }
            let previous = service.version
            service.workflow = saved
            _ = try storeVersion(service, previous: previous, by: author, time: time, context: context, db)
            bumped.append(id)
        }
        return (saved, true, bumped)
    }
}
