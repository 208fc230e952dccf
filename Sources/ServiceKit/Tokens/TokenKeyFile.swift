import Foundation
import Support

/// The token-verification keys pinned in the keys folder (`$MPP_KEYS/token-keys.json`,
/// `{"keys":[{"id","public_key"}…]}`): how services learn identity's keys in plain mode, where
/// nothing on the bus is authenticated. Identity writes it at start and on every rotation
/// (atomically, readable by the platform's user); other services read it and never take keys
/// from whoever the registry lists. In CURVE mode keys come from `identity.keys` of an instance
/// proven to hold identity's CURVE key.
public enum TokenKeyFile {
    public static let fileName = "token-keys.json"

    public static func path(in directory: String) -> String {
        (directory as NSString).appendingPathComponent(fileName)
    }

    /// Writes `keys` into the folder (created 0700 if missing) by rename, so a reader never sees
    /// half a file.
    public static func write(_ keys: [VerificationKey], directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let target = path(in: directory)
        let temporary = target + ".\(getpid()).\(UUID().uuidString.prefix(8)).tmp"  // writers in one process (tests) too
        let bytes = try JSON.encode(IdentityKeys(keys: keys))
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: 0o644]) else {
            throw KeyRingError("cannot write \(temporary)")
        }
        guard rename(temporary, target) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw KeyRingError("cannot move \(temporary) to \(target): errno \(errno)")
        }
    }

    /// The pinned keys, nil when the file is missing; a file that does not parse is an error.
    public static func read(directory: String) throws -> [VerificationKey]? {
        guard let data = FileManager.default.contents(atPath: path(in: directory)) else { return nil }
        do {
            return try JSON.decode(IdentityKeys.self, from: Array(data)).keys
        } catch {
            throw KeyRingError("\(path(in: directory)) is not a token key set: \(error)")
        }
    }
}
