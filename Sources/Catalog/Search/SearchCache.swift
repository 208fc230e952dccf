import Support

/// Encoded search replies by normalised request. Catalog data changes rarely and only through
/// this process's store, so every commit empties the cache; a reply computed from a snapshot
/// older than the last commit is not stored (`generation`). Bounded in entries and bytes (keys
/// are chosen by callers): full means emptied, and an overlong key is never kept.
final class SearchCache: Sendable {
    private struct State {
        var replies: [String: [UInt8]] = [:]
        var bytes = 0
        var generation = 0
        var enabled = true
    }

    private let state = Mutexed(State())
    let capacity: Int
    let byteCapacity: Int
    /// Longer keys (searches no person types) are answered but not kept.
    static let longestKey = 512

    init(capacity: Int = 4_096, byteCapacity: Int = 8 << 20) {
        self.capacity = capacity
        self.byteCapacity = byteCapacity
    }

    /// Entries and bytes held now.
    var statistics: (entries: Int, bytes: Int) { state.update { ($0.replies.count, $0.bytes) } }

    /// The reply for `key`, and the generation to hand back to `store` on a miss.
    func lookup(_ key: String) -> (reply: [UInt8]?, generation: Int) {
        state.update { state in (state.enabled ? state.replies[key] : nil, state.generation) }
    }

    /// Keeps `reply` unless something was committed since `generation` was read.
    func store(_ key: String, _ reply: [UInt8], generation: Int) {
        let size = key.utf8.count + reply.count
        guard key.utf8.count <= Self.longestKey, size <= byteCapacity / 16 else { return }
        state.update { state in
            guard state.enabled, state.generation == generation, state.replies[key] == nil else { return }
            if state.replies.count >= capacity || state.bytes + size > byteCapacity {
                state.replies.removeAll(keepingCapacity: true)
                state.bytes = 0
            }
            state.replies[key] = reply
            state.bytes += size
        }
    }

    /// Forgets everything (after a commit).
    func invalidate() {
        state.update { state in
            state.generation += 1
            state.replies.removeAll(keepingCapacity: true)
            state.bytes = 0
        }
    }

    var isEnabled: Bool {
        get { state.get().enabled }
        set {
            state.update { state in
                state.enabled = newValue
                state.replies.removeAll()
                state.bytes = 0
            }
        }
    }
}
