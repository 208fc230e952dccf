import Support

/// Which CURVE public key (Z85) belongs to which endpoint: registries from the keys folder,
/// other services from their registry records.
public final class ServerKeyBook: Sendable {
    private let keys = Mutexed<[String: String]>([:])

    public init(_ initial: [String: String] = [:]) { keys.set(initial) }

    public func key(for endpoint: String) -> String? { keys.get()[endpoint] }

    public func learn(endpoint: String, key: String) { keys.update { $0[endpoint] = key } }

    /// Records the keys of an instance's rpc and events endpoints.
    public func learn(_ instance: RegistryAPI.Instance) {
        guard let key = instance.public_key else { return }
        learn(endpoint: instance.rpc, key: key)
        if let events = instance.events { learn(endpoint: events, key: key) }
    }
}
