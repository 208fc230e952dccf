import Bus

/// Request and reply bodies of the sla service's methods.
public enum SLAAPI {
    public struct StatusRequest: Codable, Sendable { public var tracking_number: String }

    public struct Status: Codable, Sendable, Equatable {
        public var tracking_number: String
        public var service: String
        public var region: String
        public var agency: String
        public var state: String
        public var deadline: String?
        public var budget_used: Double
        public var paused: Bool
        public var breached_at: String?
        public var finished_at: String?
        public var outcome: String?
    }

    public struct BreachesRequest: Codable, Sendable, PagedRequest {
        public var page: Int?
        public var page_size: Int?
        public init(page: Int? = nil, page_size: Int? = nil) {
            self.page = page
            self.page_size = page_size
        }
    }

    public struct Breach: Codable, Sendable, Equatable {
        public var tracking_number: String
        public var service: String
        public var region: String
        public var agency: String
        public var claimed_by: String?
        public var breached_at: String
        public var overdue_working_hours: Double
    }

    public struct Breaches: Codable, Sendable {
        public var breaches: [Breach]
        public var page: Int
        public var page_size: Int
        public var total: Int
    }

    public struct ReportRequest: Codable, Sendable {
        public var region: String?
        public var site: String?
        public var agency: String?
        public var service: String?
        public var from: String
        public var to: String
        /// `json` (default) or `csv`.
        public var format: String?
    }

    public struct Report: Codable, Sendable {
        public var filter: ReportFilter
        public var from: String
        public var to: String
        public var figures: ReportFigures
        public var csv: String?
    }

    public struct WeeklyRequest: Codable, Sendable { public var week: String; public var format: String? }

    public struct SiteWeek: Codable, Sendable {
        public var site: String
        public var name: String?
        public var region: String
        public var figures: ReportFigures
        /// `tidak_beroperasi` (no activity), `on_time_below_80`, `skm_grade_c_or_d`, `breach_backlog_growing`.
        public var flags: [String]
    }

    public struct Weekly: Codable, Sendable { public var week: String; public var from: String; public var to: String; public var sites: [SiteWeek]; public var csv: String? }

    public struct HolidayEntry: Codable, Sendable {
        public var date: String
        /// Empty or absent for a national holiday; a kab/kota code for a regional one.
        public var region: String?
        public var kind: String?
        public var name: String?

        public init(date: String, region: String? = nil, kind: String? = nil, name: String? = nil) {
            self.date = date
            self.region = region
            self.kind = kind
            self.name = name
        }
    }

    public struct HoursEntry: Codable, Sendable { public var region: String; public var hours: String }

    public struct CalendarUpdate: Codable, Sendable {
        public var add: [HolidayEntry]?
        public var remove: [HolidayEntry]?
        public var hours: [HoursEntry]?
        public var note: String

        public init(add: [HolidayEntry]? = nil, remove: [HolidayEntry]? = nil, hours: [HoursEntry]? = nil, note: String) {
            self.add = add
            self.remove = remove
            self.hours = hours
            self.note = note
        }
    }

    public struct CalendarRequest: Codable, Sendable { public var year: Int?; public var region: String? }

    public struct Calendar: Codable, Sendable {
        public var version: Int
        public var years: [Int]
        public var holidays: [HolidayEntry]
        public var warnings: [String]
    }

    public struct TestClockRequest: Codable, Sendable { public var set: String?; public var advance_seconds: Double? }
    public struct TestClockReply: Codable, Sendable { public var now: String; public var fired: Int }
}
