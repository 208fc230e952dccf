import Foundation
import Store
import Support

/// The clock of the sla service in test mode (`MPP_SLA_TEST_CLOCK=on`): time moves only when a
/// test says so (`sla.test.clock`), and survives a restart (kept in the store), so a test can
/// stop the service for a "day" of test time and see what it detects on start.
public final class TestClock: Support.Clock {
    private let current: Mutexed<Date>

    public init(start: Date = SystemClock().now()) { current = Mutexed(start) }

    public func now() -> Date { current.get() }

    /// Restores the persisted time, if any and later than the start (a test may restart the
    /// service later in test time with `MPP_SLA_TEST_CLOCK_START`).
    func restore(from store: Store) async throws {
        if let saved = try await store.read({ try $0.queryOne("SELECT now FROM test_clock WHERE id = 1")?.double("now") }) {
            current.update { $0 = max($0, Date(timeIntervalSince1970: saved)) }
        }
    }

    /// Moves to `date` and persists it (for tests that restart the service).
    public func persistForTests(_ date: Date, store: Store) async throws -> Date { try await set(date, store: store) }

    /// Moves to `date` (never backwards) and persists it.
    func set(_ date: Date, store: Store) async throws -> Date {
        let next = current.update { value -> Date in
            value = max(value, date)
            return value
        }
        try await store.write { db in
            try db.run("INSERT INTO test_clock (id, now) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET now = excluded.now",
                       [.real(next.timeIntervalSince1970)])
        }
        return next
    }
}
