import Bus
import Support
import ZMQ

/// The calling side of a process: an RPC client (CURVE when keys are given), the registry
/// directory and the service client on top. Services get it from their host; the `mpp`
/// command builds one on its own.
public struct ClientStack: Sendable {
    public let rpc: RPCClient
    public let directory: ServiceDirectory
    public let client: ServiceClient

    /// - Parameter keys: our key ring in CURVE mode; registries are trusted with `registry.pub`, and
    ///   an instance the registry lists is used only when its key may serve its service.
    public init(registries: [String], keys: KeyRing?, loop: IOLoop = .shared, logger: Logger, maxMessageBytes: Int = 8 << 20) {
        let book = ServerKeyBook()
        if let keys, let registryKey = keys.publicKey(named: "registry") {
            for endpoint in registries { book.learn(endpoint: endpoint, key: registryKey.z85) }
        }
        let security: ClientSecurity = keys.map { ring in
            .curve(keyPair: ring.own, serverKey: { endpoint in book.key(for: endpoint).flatMap { CurveKey(z85: $0) } })
        } ?? .plain
        rpc = RPCClient(loop: loop, security: security, maxMessageBytes: Int64(maxMessageBytes))
        let trusts: @Sendable (RegistryAPI.Instance) -> Bool
        if let keys { trusts = { keys.mayServe($0) } } else { trusts = { _ in true } }
        directory = ServiceDirectory(registries: registries, client: rpc, logger: logger, serverKeys: book, trusts: trusts)
        client = ServiceClient(rpc: rpc, directory: directory)
    }
}
