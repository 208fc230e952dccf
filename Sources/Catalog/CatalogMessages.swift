import Bus
import Domain

/// Request and reply bodies of the catalog's methods (docs: services/catalog/README.md).
public enum CatalogAPI {
    // MARK: regions

    public struct GetRegion: Codable, Sendable {
        /// With or without dots: `32.73`, `3273`, `32.73.01`.
        public var code: String
        /// Also answer district codes only found in the 2016–2023 lists.
        public var historical: Bool?
        public init(code: String, historical: Bool? = nil) {
            self.code = code
            self.historical = historical
        }
    }

    public struct ListRegions: Codable, Sendable, PagedRequest {
        /// Children of this region; provinces when absent.
        public var parent: String?
        /// With `parent`: every region of this level inside it (e.g. all districts of a province).
        public var level: RegionLevel?
        public var page: Int?
        public var page_size: Int?
        public init(parent: String? = nil, level: RegionLevel? = nil, page: Int? = nil, page_size: Int? = nil) {
            self.parent = parent
            self.level = level
            self.page = page
            self.page_size = page_size
        }
    }

    public struct RegionPage: Codable, Sendable {
        public var regions: [Region]
        public var page: Int
        public var page_size: Int
        public var total: Int
    }

    public struct SearchRegions: Codable, Sendable {
        public var q: String
        public var level: RegionLevel?
        /// Only inside this region.
        public var parent: String?
        public var limit: Int?
        public init(q: String, level: RegionLevel? = nil, parent: String? = nil, limit: Int? = nil) {
            self.q = q
            self.level = level
            self.parent = parent
            self.limit = limit
        }
    }

    public struct RegionResults: Codable, Sendable {
        public var results: [Region]
    }

    // MARK: services

    public struct GetService: Codable, Sendable {
        public var id: String
        public var version: Int?
        public init(id: String, version: Int? = nil) {
            self.id = id
            self.version = version
        }
    }

    public struct SearchServices: Codable, Sendable {
        public var q: String?
        /// A kab/kota (or any code inside one): only services offered there, with its fees.
        public var region: String?
        public var agency: String?
        public var channel: ServiceChannel?
        public var group: String?
        public var limit: Int?
        public init(q: String? = nil, region: String? = nil, agency: String? = nil, channel: ServiceChannel? = nil,
                    group: String? = nil, limit: Int? = nil) {
            self.q = q
            self.region = region
            self.agency = agency
            self.channel = channel
            self.group = group
            self.limit = limit
        }
    }

    public struct ServiceResults: Codable, Sendable {
        public var results: [ServiceSummary]
    }

    public struct UpsertService: Codable, Sendable {
        public var service: ServiceDraft
        /// Refuse (`aborted`) unless the current version is this one (0: the service must be new).
        public var expected_version: Int?
        public init(service: ServiceDraft, expected_version: Int? = nil) {
            self.service = service
            self.expected_version = expected_version
        }
    }

    public struct UpsertResult: Codable, Sendable, Equatable {
        public var id: String
        public var version: Int
        /// False when the definition equals the current version (nothing stored, no event).
        public var changed: Bool
        /// Other services that got a new version because their workflow changed.
        public var also_changed: [String]
        public init(id: String, version: Int, changed: Bool, also_changed: [String]) {
            self.id = id
            self.version = version
            self.changed = changed
            self.also_changed = also_changed
        }
    }

    public struct ListVersions: Codable, Sendable, PagedRequest {
        public var id: String
        public var page: Int?
        public var page_size: Int?
        public init(id: String, page: Int? = nil, page_size: Int? = nil) {
            self.id = id
            self.page = page
            self.page_size = page_size
        }
    }

    public struct ServiceVersions: Codable, Sendable {
        public var id: String
        public var versions: [ServiceVersionInfo]
        public var page: Int
        public var page_size: Int
        public var total: Int
    }

    // MARK: workflows

    public struct GetWorkflow: Codable, Sendable {
        public var id: String
        public var version: Int?
        public init(id: String, version: Int? = nil) {
            self.id = id
            self.version = version
        }
    }

    public struct ListWorkflows: Codable, Sendable, PagedRequest {
        public var page: Int?
        public var page_size: Int?
        public init(page: Int? = nil, page_size: Int? = nil) {
            self.page = page
            self.page_size = page_size
        }
    }

    public struct Workflows: Codable, Sendable {
        public var workflows: [WorkflowDefinition]
        public var page: Int
        public var page_size: Int
        public var total: Int
    }

    public struct UpsertWorkflow: Codable, Sendable {
        public var workflow: WorkflowDefinition
        public init(workflow: WorkflowDefinition) { self.workflow = workflow }
    }

    // MARK: agencies

    public struct Agency: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var short: String
        public var name_en: String?
        /// `regional` (an OPD of the kab/kota) or `vertical` (a national agency's local office).
        public var kind: String
        public init(id: String, name: String, short: String, name_en: String? = nil, kind: String = "regional") {
            self.id = id
            self.name = name
            self.short = short
            self.name_en = name_en
            self.kind = kind
        }
    }

    public struct AgencyOffice: Codable, Sendable, Equatable {
        public var id: String
        public var agency: String
        public var region: String
        public var name: String
    }

    public struct ListAgencies: Codable, Sendable {
        /// Offices inside this region (all offices when absent).
        public var region: String?
        public init(region: String? = nil) { self.region = region }
    }

    public struct Agencies: Codable, Sendable {
        public var agencies: [Agency]
        public var offices: [AgencyOffice]
    }

    // MARK: sites and availability

    public struct ListSites: Codable, Sendable, PagedRequest {
        public var region: String?
        public var status: SiteStatus?
        public var page: Int?
        public var page_size: Int?
        public init(region: String? = nil, status: SiteStatus? = nil, page: Int? = nil, page_size: Int? = nil) {
            self.region = region
            self.status = status
            self.page = page
            self.page_size = page_size
        }
    }

    public struct Sites: Codable, Sendable {
        public var sites: [Site]
        public var page: Int
        public var page_size: Int
        public var total: Int
    }

    public struct GetSite: Codable, Sendable {
        public var id: String
        public init(id: String) { self.id = id }
    }

    /// Creates or edits a site; absent fields keep their value (or the defaults for a new site).
    public struct UpsertSite: Codable, Sendable {
        /// Default `mpp-NN.NN` of the region.
        public var id: String?
        public var region: String
        public var name: String?
        public var address: String?
        public var phone: String?
        public var inaugurated: String?
        public var status: SiteStatus?
        public var hours: [SiteHours]?
        public var counters: [SiteCounter]?
        public var note: String?
        public init(id: String? = nil, region: String, name: String? = nil, address: String? = nil, phone: String? = nil,
                    inaugurated: String? = nil, status: SiteStatus? = nil, hours: [SiteHours]? = nil,
                    counters: [SiteCounter]? = nil, note: String? = nil) {
            self.id = id
            self.region = region
            self.name = name
            self.address = address
            self.phone = phone
            self.inaugurated = inaugurated
            self.status = status
            self.hours = hours
            self.counters = counters
            self.note = note
        }
    }

    public struct GetAvailability: Codable, Sendable {
        public var service: String
        /// A kab/kota, or any code inside one.
        public var region: String
        public init(service: String, region: String) {
            self.service = service
            self.region = region
        }
    }

    public struct Availability: Codable, Sendable, Equatable {
        public var service: String
        public var region: String
        public var offered: Bool
        public var site: String?
        public var site_name: String?
        public var fee_idr: Int
        /// Whether `fee_idr` is the region's own fee.
        public var fee_overridden: Bool
        public var channels: [ServiceChannel]
        /// `default` (offered where an active site is) or `region` (an explicit choice of the kab/kota).
        public var source: String
        public var note: String?
    }

    public struct ListAvailability: Codable, Sendable, PagedRequest {
        public var region: String
        public var page: Int?
        public var page_size: Int?
        public init(region: String, page: Int? = nil, page_size: Int? = nil) {
            self.region = region
            self.page = page
            self.page_size = page_size
        }
    }

    public struct AvailabilityList: Codable, Sendable {
        public var region: String
        public var services: [Availability]
        public var page: Int
        public var page_size: Int
        public var total: Int
    }

    public struct SetAvailability: Codable, Sendable {
        public var service: String
        public var region: String
        public var offered: Bool
        public var site: String?
        /// The region's fee; absent: the service's fee.
        public var fee_idr: Int?
        public var note: String?
        public init(service: String, region: String, offered: Bool, site: String? = nil, fee_idr: Int? = nil, note: String? = nil) {
            self.service = service
            self.region = region
            self.offered = offered
            self.site = site
            self.fee_idr = fee_idr
            self.note = note
        }
    }

    // MARK: events

    /// `catalog.service_changed`
    public struct ServiceChanged: Codable, Sendable, Equatable {
        public var id: String
        public var version: Int
        public var changed_by: String
        public var previous_version: Int?
        public var workflow: String
        public init(id: String, version: Int, changed_by: String, previous_version: Int?, workflow: String) {
            self.id = id
            self.version = version
            self.changed_by = changed_by
            self.previous_version = previous_version
            self.workflow = workflow
        }
    }

    /// `catalog.workflow_changed`
    public struct WorkflowChanged: Codable, Sendable, Equatable {
        public var id: String
        public var version: Int
        public var changed_by: String
    }

    /// `catalog.site_changed`
    public struct SiteChanged: Codable, Sendable, Equatable {
        public var id: String
        public var region: String
        public var status: SiteStatus
        public var changed_by: String
    }

    /// `catalog.availability_changed`
    public struct AvailabilityChanged: Codable, Sendable, Equatable {
        public var service: String
        public var region: String
        public var offered: Bool
        public var fee_idr: Int?
        public var changed_by: String
    }

    /// `catalog.agency_changed`
    public struct AgencyChanged: Codable, Sendable, Equatable {
        public var id: String
        public var changed_by: String
    }
}
