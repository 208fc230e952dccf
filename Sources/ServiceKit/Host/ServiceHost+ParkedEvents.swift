import Bus
import Support

/// A stream followed with `ServiceHost.subscribe`: its publishing service and the subscriber.
struct FollowedStream: Sendable {
    var service: String
    var subscriber: EventSubscriber

    /// Whether a parked event of `consumer` on `stream` (`service` or `service/shard`) is ours.
    func owns(_ parked: ParkedEvent) -> Bool {
        parked.consumer == subscriber.consumer && parked.stream.split(separator: "/").first.map(String.init) == service
    }
}

/// `sys.events.parked` and `sys.events.retry` on every service: the events its consumers parked
/// because their data broke the contract, and applying them again after a fix. Ops only.
extension ServiceHost {
    /// CURVE key names allowed in as operators (the `mpp` command line's key).
    static let operatorKeys: Set<String> = ["mpp"]

    func registerParkedEvents() {
        methods.on("sys.events.parked") { [unowned self] (request: ParkedEventsAPI.ListRequest, context: RequestContext) in
            try await parkedEvents(request, context)
        }
        methods.on("sys.events.retry", .command) { [unowned self] (request: ParkedEventsAPI.RetryRequest, context: RequestContext) in
            try await retryParkedEvents(request, context)
        }
    }

    func parkedEvents(_ request: ParkedEventsAPI.ListRequest, _ context: RequestContext) async throws -> ParkedEventsAPI.List {
        try requireOperator(context)
        let limit = request.limit ?? 100
        guard (1...1_000).contains(limit) else { throw RPCError.invalid(["limit": "harus 1–1000 (must be 1–1000)"]) }
        let consumer = request.consumer
        let (items, counts) = try await store.read { db in
            (try ParkedEvents.list(db, consumer: consumer, limit: limit), try ParkedEvents.counts(db))
        }
        let total = consumer.map { counts[$0] ?? 0 } ?? counts.values.reduce(0, +)
        return ParkedEventsAPI.List(service: configuration.service, instance: configuration.instance, parked: items, total: total)
    }

    func retryParkedEvents(_ request: ParkedEventsAPI.RetryRequest, _ context: RequestContext) async throws -> ParkedEventsAPI.Retried {
        let who = try requireOperator(context)
        let ids = request.ids ?? []
        guard ids.isEmpty == (request.all == true) else {
            throw RPCError.invalid(["ids": "sebutkan ids atau all: true, tidak keduanya (give ids or all: true, not both)"])
        }
        let rows = try await store.read { db in try ParkedEvents.list(db, ids: request.all == true ? nil : ids, limit: 100_000) }
        let streams = followed.get()
        var results: [ParkedEventsAPI.RetryResult] = []
        for stream in streams {
            let mine = rows.filter(stream.owns)
            if !mine.isEmpty { results += await stream.subscriber.retryParked(mine) }
        }
        let handled = Set(results.map(\.id))
        results += rows.filter { !handled.contains($0.id) }.map { ParkedEventsAPI.RetryResult(id: $0.id, outcome: .noConsumer) }
        results += ids.filter { id in !rows.contains { $0.id == id } }.map { ParkedEventsAPI.RetryResult(id: $0, outcome: .notFound) }
        results.sort { $0.id < $1.id }
        let applied = results.count { $0.outcome == .applied }
        context.logger.info("parked events retried", ["by": .string(who), "tried": .number(Double(results.count)),
                                                      "applied": .number(Double(applied))])
        return ParkedEventsAPI.Retried(service: configuration.service, instance: configuration.instance, results: results,
                                       applied: applied, still_parked: parked.total)
    }

    @discardableResult
    private func requireOperator(_ context: RequestContext) throws -> String {
        try auth.requireOperator(context, operatorKeys: configuration.curve ? Self.operatorKeys : [])
    }
}
