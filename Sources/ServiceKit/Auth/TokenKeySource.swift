import Bus
import Foundation
import Support

/// Where a service takes the keys that verify access tokens from — never from whoever the
/// registry happens to list:
/// - plain mode: the key set identity pins in the keys folder (`TokenKeyFile`);
/// - CURVE mode: `identity.keys`, answered only by instances whose CURVE key may serve
///   `identity` (the client stack refuses the others), over a connection that proves it.
/// Every change of the accepted key set is logged.
struct TokenKeySource: Sendable {
    enum Origin: Sendable {
        case pinnedFile(directory: String)
        case identity(ServiceClient)
    }

    let origin: Origin
    let verifier: TokenVerifier
    let logger: Logger

    init(host: ServiceHost) {
        origin = host.keys == nil ? .pinnedFile(directory: host.configuration.keysDirectory) : .identity(host.client)
        verifier = host.auth.verifier
        logger = host.logger
    }

    /// Fetches the key set and adopts it when it changed; returns whether keys are known now.
    @discardableResult
    func refresh() async -> Bool {
        switch origin {
        case .pinnedFile(let directory):
            do {
                if let keys = try TokenKeyFile.read(directory: directory) { adopt(keys, from: TokenKeyFile.path(in: directory)) }
            } catch {
                logger.warning("token keys unreadable", ["error": .string("\(error)")])
            }
        case .identity(let client):
            do {
                let reply = try await client.call("identity.keys", Empty(), as: IdentityKeys.self, options: CallOptions(timeout: .seconds(2)))
                adopt(reply.keys, from: "identity.keys")
            } catch {
                logger.debug("identity.keys not available yet", ["error": .string("\(error)")])
            }
        }
        return !verifier.keyIDs.isEmpty
    }

    /// How long to wait before the next refresh: a file is cheap to re-read.
    func interval(known: Bool, regular: Duration) -> Duration {
        switch origin {
        case .pinnedFile: .seconds(1)
        case .identity: known ? regular : .seconds(1)
        }
    }

    private func adopt(_ keys: [VerificationKey], from source: String) {
        guard !verifier.holds(keys) else { return }
        let before = Set(verifier.keyIDs)
        let after = Set(keys.filter { $0.publicKeyBytes != nil }.map(\.id))
        verifier.setKeys(keys)
        logger.info("token verification keys changed", [
            "source": .string(source),
            "added": .array(after.subtracting(before).sorted().map { .string($0) }),
            "removed": .array(before.subtracting(after).sorted().map { .string($0) }),
        ])
    }
}
