import Support

/// Encoded search replies by normalised request. Catalog data changes rarely and only through
/// this process's store, so every commit empties the cache; a reply computed from a snapshot
/// older than the last commit is not stored (`generation`). Bounded: full means emptied.
final class SearchCache: Sendable {
    private struct State {
        var replies: [String: [UInt8]] = [:]
        var generation = 0
        var enabled = true
    }

    private let state = Mutexed(State())
    let capacity: Int

    init(capacity: Int = 4_096) { self.capacity = capacity }

    /// The reply for `key`, and the generation to hand back to `store` on a miss.
    func lookup(_ key: String) -> (reply: [UInt8]?, generation: Int) {
        state.update { state in (state.enabled ? state.replies[key] : nil, state.generation) }
    }

    /// Keeps `reply` unless something was committed since `generation` was read.
    func store(_ key: String, _ reply: [UInt8], generation: Int) {
        state.update { state in
            guard state.enabled, state.generation == generation else { return }
            if state.replies.count >= capacity { state.replies.removeAll(keepingCapacity: true) }
            state.replies[key] = reply
        }
    }

    /// Forgets everything (after a commit).
    func invalidate() {
        state.update { state in
            state.generation += 1
            state.replies.removeAll(keepingCapacity: true)
        }
    }

    var isEnabled: Bool {
        get { state.get().enabled }
        set {
            state.update { state in
                state.enabled = newValue
                state.replies.removeAll()
            }
        }
    }
}
