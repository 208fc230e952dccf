import Foundation
import Store
import Support

/// Parking: an event whose data breaks its contract is set aside in `parked_events`, in the
/// transaction that moves the cursor past it, and applied again when ops ask (`retry`).
extension SubscriberCore {
    /// An event parked by a transaction, and why.
    struct Parked: Sendable {
        var event: DeliveredEvent
        var reason: String
    }

    /// The write that applies `events` and moves their cursors. With `parking`, each event gets
    /// its own savepoint and one breaking its contract is parked instead of failing the run.
    nonisolated func transaction(_ events: [DeliveredEvent], parking: Bool, now: Date) -> @Sendable (Database) throws -> [Parked] {
        let consumer = consumer, apply = apply
        return { [self] db in
            var last: [String: Int64] = [:]
            var parked: [Parked] = []
            for event in events {
                defer { last[event.stream] = event.seq }
                guard follows(event.topic) else { continue }
                guard parking else { try apply(db, event); continue }
                do {
                    try db.transaction { try apply($0, event) }
                } catch let error where EventContractViolation.isViolation(error) {
                    let reason = EventContractViolation.reason(error)
                    if try ParkedEvents.park(db, consumer: consumer, event, error: reason, at: now) {
                        parked.append(Parked(event: event, reason: reason))
                    }
                }
            }
            for (stream, seq) in last {
                try db.run("INSERT INTO bus_cursors (consumer, stream, seq) VALUES (?, ?, ?) ON CONFLICT (consumer, stream) DO UPDATE SET seq = excluded.seq",
                           [.text(consumer), .text(stream), .integer(seq)])
            }
            return parked
        }
    }

    /// Counts, metrics and a log line per parked event.
    func noteParked(_ parked: [Parked]) {
        guard !parked.isEmpty else { return }
        tally.add(consumer, parked.count)
        metrics.increment("events.parked", by: parked.count)
        for item in parked {
            logger.warning("event parked: its data breaks its contract", [
                "stream": .string(item.event.stream), "seq": .number(Double(item.event.seq)), "topic": .string(item.event.topic),
                "event_id": .string(item.event.event.id), "error": .string(item.reason)])
        }
    }

    /// Applies parked events again, one transaction each (see `EventSubscriber.retryParked`).
    func retry(_ events: [ParkedEvent]) async -> [ParkedEventsAPI.RetryResult] {
        var results: [ParkedEventsAPI.RetryResult] = []
        for parked in events {
            let result = await retry(parked)
            if result.outcome == .applied {
                tally.add(consumer, -1)
                metrics.increment("events.unparked")
                logger.info("parked event applied", ["id": .number(Double(parked.id)), "stream": .string(parked.stream),
                                                     "seq": .number(Double(parked.seq)), "topic": .string(parked.topic)])
            }
            results.append(result)
        }
        return results
    }

    private func retry(_ parked: ParkedEvent) async -> ParkedEventsAPI.RetryResult {
        guard parked.consumer == consumer else { return .init(id: parked.id, outcome: .noConsumer) }
        let current = await publishedEvent(stream: parked.stream, seq: parked.seq)
        let event = current ?? parked.event.flatMap { try? CloudEvent(json: $0) }
        let apply = apply, now = clock.now(), id = parked.id
        do {
            return try await store.write { db -> ParkedEventsAPI.RetryResult in
                guard try ParkedEvents.exists(db, id: id) else { return .init(id: id, outcome: .notFound) }
                guard let event else {
                    let reason = "peristiwa tidak tersimpan dan penerbitnya tidak menjawab (event not kept, publisher unreachable)"
                    try ParkedEvents.failedAgain(db, id: id, error: reason, event: nil, at: now)
                    return .init(id: id, outcome: .parked, error: reason)
                }
                do {
                    try db.transaction { try apply($0, DeliveredEvent(stream: parked.stream, seq: parked.seq, topic: parked.topic, event: event)) }
                    try ParkedEvents.remove(db, id: id)
                    return .init(id: id, outcome: .applied)
                } catch {
                    let reason = EventContractViolation.reason(error)
                    try ParkedEvents.failedAgain(db, id: id, error: reason, event: current, at: now)
                    return .init(id: id, outcome: .parked, error: reason)
                }
            }
        } catch {
            return .init(id: id, outcome: .parked, error: "\(error)")
        }
    }

    /// The event as its publisher's outbox holds it now (ops may have corrected it), when the
    /// publisher answers.
    private func publishedEvent(stream: String, seq: Int64) async -> CloudEvent? {
        guard seq > 0, let rpc = replaySources[stream],
              let body = try? JSON.encode(EventsReadRequest(after: seq - 1, limit: 1)),
              let outcome = try? await client.send(to: rpc, method: "events.read", body: body, timeout: .seconds(2)),
              outcome.error == nil, let reply = try? EventsReadReply(bytes: outcome.body), reply.stream == stream,
              let item = reply.events.first, item.seq == seq else { return nil }
        return item.event
    }
}
