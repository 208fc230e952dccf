import Foundation
import Synchronization
@testable import Store

/// Holds a write body on the writer thread until `open()`, so tests can line up a batch.
final class Gate: Sendable {
    private let isOpen = Atomic<Bool>(false)
    private let isHeld = Atomic<Bool>(false)

    /// Called from a write body: blocks the writer thread until the gate opens.
    func hold() {
        isHeld.store(true, ordering: .releasing)
        while !isOpen.load(ordering: .acquiring) { usleep(500) }
    }

    func open() { isOpen.store(true, ordering: .releasing) }

    /// Waits until a body is blocked in `hold()`.
    func waitUntilHeld() async throws {
        while !isHeld.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(1)) }
    }
}

/// Waits until `condition` holds (polling), failing after a few seconds.
func eventually(_ condition: () -> Bool) async throws {
    for _ in 0..<5_000 where !condition() {
        try await Task.sleep(for: .milliseconds(1))
    }
}

/// A store with one table `items(id INTEGER PRIMARY KEY, value INTEGER UNIQUE)`.
func makeItemStore(_ dir: TemporaryDirectory, name: String = "items.db", readers: Int = 2) throws -> Store {
    try Store(
        path: dir.file("data/" + name),
        migrations: [Migration(1, "items", "CREATE TABLE items (id INTEGER PRIMARY KEY, value INTEGER UNIQUE NOT NULL)")],
        readers: readers)
}

/// Runs blocking work off the cooperative pool.
func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: work()) }
    }
}

struct BodyFailure: Error, Equatable {
    let tag: Int
}

/// Counts recorded from another thread.
final class CountLog: Sendable {
    let values = Mutex<[Int]>([])
}
