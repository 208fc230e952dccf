import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support

/// The applications service: citizens submit applications for catalog services, officers move
/// them through the service's workflow, everyone in scope follows them; documents live once in
/// each citizen's vault. Every change and its event are one transaction (outbox).
///
/// Handlers live in files named after what they do: `SubmitHandler`, `TransitionHandler`,
/// `QueryHandlers`, `SurveyHandler`, `SLAFollower`.
public final class ApplicationsService: Sendable {
    public static let name = "applications"

    let host: ServiceHost
    let settings: ApplicationsSettings
    let catalog: CatalogLink
    let documentCheck: DocumentCheck
    /// Definitions known to be in `service_versions` (saved once, not with every submission).
    let savedDefinitions = Mutexed<Set<String>>([])

    /// Registers the handlers and follows identity (keys, revocations), the catalog
    /// (`catalog.service_changed`) and sla (`sla.*`).
    public init(host: ServiceHost, settings: ApplicationsSettings = ApplicationsSettings(), followEvents: Bool = true) async throws {
        self.host = host
        self.settings = settings
        catalog = CatalogLink(client: host.client, clock: host.clock, ttl: TimeInterval(settings.catalogCacheSeconds))
        documentCheck = DocumentCheck(maxBytes: settings.maxDocumentBytes)
        try await Outbox.install(in: host.store)
        host.hold(self)
        registerSubmit()
        registerTransitions()
        registerQueries()
        registerSurvey()
        guard followEvents else { return }
        try await host.auth.followIdentity(host: host)
        let catalog = catalog
        _ = try await host.subscribe(to: "catalog", consumer: "catalog-cache", topics: ["catalog.service_changed"]) { _, delivered in
            catalog.serviceChanged(delivered.event)
        }
        _ = try await host.subscribe(to: "sla", consumer: "queue", topics: ["sla."]) { [self] db, delivered in
            try self.applySLA(db, delivered)
        }
    }

    // MARK: shared by the handlers

    var stream: String { host.configuration.stream }
    var now: String { Timestamp.format(host.clock.now()) }

    /// The definition an application was filed under: memory, then the store.
    func definition(_ db: Database, _ record: ApplicationRecord) throws -> ServiceDefinition {
        if let known = catalog.known(record.service, version: record.serviceVersion) { return known }
        guard let stored = try Records.definition(db, service: record.service, version: record.serviceVersion) else {
            throw RPCError(.internal, "definisi layanan \(record.service) v\(record.serviceVersion) hilang")
        }
        catalog.remember(stored)
        return stored
    }

    func workflow(_ record: ApplicationRecord, _ definition: ServiceDefinition) -> ApplicationWorkflow {
        ApplicationWorkflow(definition: definition.workflow, agency: definition.agency, alsoInvolves: definition.also_involves,
                            owner: record.citizen, region: record.region, state: record.state, version: record.version,
                            claimedBy: record.claimedBy)
    }

    /// Whether the token's holder may read the application: its owner, staff of a taking-part
    /// agency in its kab/kota, the MPP admin of the kab/kota, the ministry and ops.
    func canRead(_ claims: AccessClaims, _ record: ApplicationRecord, _ definition: ServiceDefinition) -> Bool {
        if claims.role == .citizen { return claims.sub == record.citizen }
        let scope = AccessScope(claims)
        return ([definition.agency] + definition.also_involves).contains { scope.canRead(agency: $0, region: record.region) }
    }

    /// The application for `claims`, or not_found / permission_denied.
    func readable(_ db: Database, _ trackingNumber: String, _ claims: AccessClaims) throws -> (ApplicationRecord, ServiceDefinition) {
        let number = try Self.parseTracking(trackingNumber)
        guard let record = try Records.application(db, trackingNumber: number) else {
            throw RPCError(.notFound, "permohonan \(number) tidak ditemukan (not found)")
        }
        let definition = try definition(db, record)
        guard canRead(claims, record, definition) else {
            throw RPCError(.permissionDenied, "Anda tidak berhak melihat permohonan ini (not yours, not in your scope)")
        }
        return (record, definition)
    }

    /// The full view of an application for `actor`.
    func view(_ db: Database, _ record: ApplicationRecord, _ definition: ServiceDefinition, for actor: Actor) throws -> ApplicationView {
        compose(record, definition, for: actor, documents: try Records.documents(db, record), history: try Records.history(db, record.id),
                surveyed: try Records.hasSurvey(db, record.id))
    }

    /// The view of an application from its parts.
    func compose(_ record: ApplicationRecord, _ definition: ServiceDefinition, for actor: Actor, documents: [DocumentRef],
                 history: [HistoryEntry], surveyed: Bool, prefilled: [String]? = nil) -> ApplicationView {
        let flow = workflow(record, definition)
        return ApplicationView(
            tracking_number: record.trackingNumber, citizen: record.citizen, service: record.service,
            service_version: record.serviceVersion, service_name: definition.name, agency: definition.agency,
            also_involves: definition.also_involves, region: record.region, site: record.site, state: record.state,
            version: record.version, paused: definition.workflow.isPaused(record.state), terminal: flow.isTerminal,
            form: record.form, documents: documents, claimed_by: record.claimedBy, output: record.output,
            sla: record.sla, submitted_at: record.submittedAt, updated_at: record.updatedAt,
            allowed_actions: flow.allowedActions(for: actor), history: history, survey_submitted: surveyed, prefilled: prefilled)
    }

    /// A canonical tracking number, or `invalid_argument` naming `tracking_number`.
    static func parseTracking(_ text: String) throws -> String {
        switch TrackingNumber.parse(text) {
        case .success(let number): return number.description
        case .failure(let problem): throw RPCError.invalid(["tracking_number": problem.description])
        }
    }

    /// The idempotency key of a mutating request, required.
    static func requestKey(_ context: RequestContext) throws -> String {
        guard let key = context.metadata.idempotencyKey, !key.isEmpty else {
            throw RPCError.invalid(["idempotency_key": "wajib untuk perubahan data (required in the metadata)"])
        }
        return key
    }
}

extension ApplicationWorkflow {
    /// `handle`, with a refusal as its MPP/1 error.
    mutating func run(_ command: Command) throws(RPCError) -> Effect {
        do { return try handle(command) } catch { throw error.rpcError }
    }
}

extension WorkflowRefusal {
    /// The MPP/1 error of a refusal.
    var rpcError: RPCError {
        switch self {
        case .unknownAction(let name, let known):
            return .invalid(["action": "aksi \(name) tidak ada; yang ada: \(known.joined(separator: ", ")) (unknown action)"])
        case .notPermitted(let reason):
            return RPCError(.permissionDenied, reason)
        case .notAllowedInState(let action, let state, let allowed):
            return RPCError(.failedPrecondition, "\(action) tidak dapat dilakukan pada status \(state) (not allowed in this state)",
                            details: ["state": .string(state), "allowed_actions": .array(allowed.map { .string($0) })])
        case .missing(let field, let reason):
            return .invalid([field: reason])
        case .conflict(let state, let version):
            return RPCError(.aborted, "permohonan sudah berubah: status \(state) (changed meanwhile, reload and retry)",
                            details: ["state": .string(state), "version": .number(Double(version))])
        case .claimedByOther(let holder):
            return RPCError(.failedPrecondition, "sedang ditangani petugas lain (claimed by another officer)",
                            details: ["claimed_by": .string(holder)])
        case .finished(let state):
            return RPCError(.failedPrecondition, "permohonan sudah selesai: \(state) (application is finished)",
                            details: ["state": .string(state)])
        }
    }
}
