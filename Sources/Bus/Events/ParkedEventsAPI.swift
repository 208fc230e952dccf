/// Bodies of `sys.events.parked` and `sys.events.retry`, answered by every service for the
/// events its consumers parked (ops only: a token with role `ops`, or the `mpp` key in CURVE mode).
public enum ParkedEventsAPI {
    /// `sys.events.parked`: the parked events of one consumer, or of all, oldest first.
    public struct ListRequest: Codable, Sendable {
        public var consumer: String?
        /// 1–1000, default 100.
        public var limit: Int?
        public init(consumer: String? = nil, limit: Int? = nil) {
            self.consumer = consumer
            self.limit = limit
        }
    }

    public struct List: Codable, Sendable {
        public var service: String
        public var instance: String
        public var parked: [ParkedEvent]
        /// Every parked event of the request's consumer(s), also beyond `limit`.
        public var total: Int
        public init(service: String, instance: String, parked: [ParkedEvent], total: Int) {
            self.service = service
            self.instance = instance
            self.parked = parked
            self.total = total
        }
    }

    /// `sys.events.retry`: `ids`, or `all: true` (never both).
    public struct RetryRequest: Codable, Sendable {
        public var ids: [Int64]?
        public var all: Bool?
        public init(ids: [Int64]? = nil, all: Bool? = nil) {
            self.ids = ids
            self.all = all
        }
    }

    /// What happened to one parked event.
    public struct RetryResult: Codable, Sendable, Equatable {
        public enum Outcome: String, Codable, Sendable {
            /// Applied and no longer parked.
            case applied
            /// Failed again; still parked with `error`.
            case parked
            /// No such parked event (wrong id, or applied meanwhile).
            case notFound = "not_found"
            /// No consumer of this instance follows its stream any more: nothing was tried.
            case noConsumer = "no_consumer"
        }
        public var id: Int64
        public var outcome: Outcome
        public var error: String?
        public init(id: Int64, outcome: Outcome, error: String? = nil) {
            self.id = id
            self.outcome = outcome
            self.error = error
        }
    }

    public struct Retried: Codable, Sendable {
        public var service: String
        public var instance: String
        public var results: [RetryResult]
        /// How many were applied, and how many events stay parked in this instance.
        public var applied: Int
        public var still_parked: Int
        public init(service: String, instance: String, results: [RetryResult], applied: Int, still_parked: Int) {
            self.service = service
            self.instance = instance
            self.results = results
            self.applied = applied
            self.still_parked = still_parked
        }
    }
}
