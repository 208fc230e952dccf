import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support

/// The catalog: master data every other service reads. Regions (every Kemendagri code, in
/// memory), MPP sites, agencies, and the services with their forms, fees, SLA and workflows,
/// versioned. Reads are public; changes need an `ops` token (sites and availability: also the
/// `mpp_admin` of that kab/kota). Every change is published through the outbox.
public final class CatalogService: Sendable {
    public static let name = "catalog"

    public let host: ServiceHost
    let regions: RegionIndex
    /// What the first start loaded (nil when the store was already seeded).
    public let seed: SeedSummary?
    let searchCache = SearchCache()

    /// Seeds the store on first start, loads the regions into memory and registers the methods.
    /// - Parameter followIdentity: keep token keys and revocations fresh from the identity
    ///   service (off in tests that set keys themselves).
    public init(host: ServiceHost, followIdentity: Bool = true) async throws {
        self.host = host
        try await Outbox.install(in: host.store)
        let started = Monotonic.nanoseconds()
        let report = try await CatalogSeed.run(store: host.store, clock: host.clock)
        regions = try await host.store.read { try RegionIndex.load($0) }
        let loadMilliseconds = Int((Monotonic.nanoseconds() - started) / 1_000_000)
        seed = report
        if let report {
            host.logger.info("seeded reference data", [
                "regions": .number(Double(report.regions)), "services": .number(Double(report.services)),
                "sites": .number(Double(report.sites)), "ms": .number(Double(report.milliseconds)),
            ])
        }
        host.logger.info("regions in memory", ["regions": .number(Double(regions.count)), "start_ms": .number(Double(loadMilliseconds))])
        host.store.addCommitObserver { [searchCache] in searchCache.invalidate() }
        registerRegionMethods()
        registerServiceMethods()
        registerWorkflowMethods()
        registerSiteMethods()
        registerAvailabilityMethods()
        host.hold(self)  // handlers hold the service unowned
        registerAgencyMethods()
        if followIdentity { try await host.auth.followIdentity(host: host) }
    }

    /// Whether repeated searches are answered from memory (on by default; the benchmark turns it
    /// off to measure SQLite behind the bus).
    public var searchCacheEnabled: Bool {
        get { searchCache.isEnabled }
        set { searchCache.isEnabled = newValue }
    }

    /// Regions loaded, by level (for tests and `sys.health`-style checks).
    public func regionCount(_ level: RegionLevel? = nil) -> Int {
        level.map { regions.count($0) } ?? regions.count
    }

    /// The current time as RFC 3339, for `updated_at` fields.
    var timestamp: String { CloudEvent.format(host.clock.now()) }

    /// Page sizes of the reference lists (sites, availability, workflows, versions): one page
    /// holds them all unless a caller asks for smaller pages.
    static let referencePages = Paging.Sizes(standard: 1_000, maximum: 1_000)

    /// Who may change a kab/kota's site and availability: ops, and the kab/kota's own MPP admin.
    static let regionAdmins: Set<Role> = [.ops, .mppAdmin]

    /// The caller's claims (of a `regionAdmins` role) when `region` is in their scope.
    func regionAdmin(_ context: RequestContext, region: String) throws -> AccessClaims {
        let claims = try host.auth.claims(context)
        guard AccessScope(claims).covers(region: region) else {
            throw RPCError(.permissionDenied, "wilayah \(region) di luar cakupan Anda (outside your region)")
        }
        return claims
    }

    /// A region code from a request field, or `invalid_argument` naming the field.
    func code(_ text: String, field: String, level: RegionLevel? = nil) throws -> RegionCode {
        guard let code = RegionCode(text) else {
            throw RPCError.invalid([field: "kode wilayah tidak sah, contoh 32.73 atau 3273 (invalid region code)"])
        }
        if let level, code.level != level {
            throw RPCError.invalid([field: "harus kode \(level.rawValue) (must be a \(level.rawValue) code)"])
        }
        return code
    }

    /// The kab/kota of a code at regency level or below; `invalid_argument` for provinces.
    func regency(_ text: String, field: String) throws -> RegionCode {
        guard let regency = try code(text, field: field).regency else {
            throw RPCError.invalid([field: "harus kode kabupaten/kota NN.NN atau di bawahnya (must be a kab/kota)"])
        }
        guard regions.contains(regency) else { throw RPCError(.notFound, "wilayah \(regency) tidak dikenal (unknown region)") }
        return regency
    }

    /// Appends an event of this service's stream in the caller's transaction.
    func publish<Payload: Encodable>(_ db: Database, _ type: String, _ data: Payload, context: RequestContext?, subject: String) throws {
        try Outbox.append(db, stream: host.configuration.stream, type: type, data: data, time: host.clock.now(),
                          traceID: context?.traceID, subject: subject)
    }
}

/// What the first start loaded.
public struct SeedSummary: Codable, Sendable, Equatable {
    public var regions = 0
    public var historical_districts = 0
    public var agencies = 0
    public var workflows = 0
    public var services = 0
    public var sites = 0
    /// Reading the files and writing them in one transaction.
    public var milliseconds = 0
}
