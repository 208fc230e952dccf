import Synchronization

/// A value behind a lock, for the few places where a Sendable class holds mutable state.
public final class Mutexed<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    public init(_ value: Value) { storage = Mutex(value) }
    public func get() -> Value { storage.withLock { $0 } }
    public func set(_ value: Value) { storage.withLock { $0 = value } }
    @discardableResult
    public func update<T: Sendable, E: Error>(_ body: (inout Value) throws(E) -> T) throws(E) -> T {
        try storage.withLock { (value: inout sending Value) throws(E) -> sending T in try body(&value) }
    }
}
