import Store
import Support

/// How many parked events wait in one store, per consumer, kept in memory: `sys.health` is
/// answered on the I/O loop and must not read the disk. Mirrored in `sys.metrics` as the
/// counter `events.parked_waiting` (up when an event is parked, down when a retry applies it).
public final class ParkedTally: Sendable {
    private let counts = Mutexed<[String: Int]>([:])
    private let metrics: Metrics

    public init(metrics: Metrics) { self.metrics = metrics }

    /// Reads the counts from the store (once, at start).
    public func load(from store: Store) async throws {
        let loaded = try await store.read { db in try ParkedEvents.counts(db) }
        let change = counts.update { current -> Int in
            defer { current = loaded }
            return loaded.values.reduce(0, +) - current.values.reduce(0, +)
        }
        metrics.increment("events.parked_waiting", by: change)
    }

    /// `amount` more (or, negative, fewer) events wait for `consumer`.
    func add(_ consumer: String, _ amount: Int) {
        let change = counts.update { counts -> Int in
            let old = counts[consumer, default: 0]
            counts[consumer] = max(0, old + amount)
            return counts[consumer, default: 0] - old
        }
        if change != 0 { metrics.increment("events.parked_waiting", by: change) }
    }

    public var byConsumer: [String: Int] { counts.get().filter { $0.value > 0 } }

    public var total: Int { counts.get().values.reduce(0, +) }

    /// The `sys.health` warning, nil when nothing waits.
    public func warning(service: String) -> String? {
        let total = total
        guard total > 0 else { return nil }
        return "\(total) peristiwa diparkir karena datanya melanggar kontrak: lihat `mpp events parked --service \(service)`, "
            + "perbaiki, lalu `mpp events retry` (\(total) events parked: their data broke its contract)"
    }
}
