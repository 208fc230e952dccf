import Bus
import Foundation
import ZMQ

/// CURVE keys of a deployment, one pair per service or client in a folder: `<name>.key` holds the
/// secret key (mode 0600) and `<name>.pub` the public key, both as Z85 text. The allow-list of
/// every server is every `*.pub` in the folder, and the file name is the caller name handlers see.
public struct KeyRing: Sendable {
    public let directory: String
    public let name: String
    public let own: CurveKeyPair
    public let allowed: [CurveKey: String]

    /// Loads `name`'s key pair and the allow-list.
    public static func load(directory: String, name: String) throws -> KeyRing {
        let secretPath = (directory as NSString).appendingPathComponent("\(name).key")
        guard let text = try? String(contentsOfFile: secretPath, encoding: .utf8),
              let secret = CurveKey(z85: text.trimmingCharacters(in: .whitespacesAndNewlines)),
              let pair = CurveKeyPair(secretKey: secret) else {
            throw KeyRingError("no usable secret key at \(secretPath): run `mpp keys init --dir \(directory) \(name)`")
        }
        return KeyRing(directory: directory, name: name, own: pair, allowed: try allowList(directory: directory))
    }

    /// The public key of `name` from the folder.
    public func publicKey(named name: String) -> CurveKey? { allowed.first { $0.value == name }?.key }

    /// Whether `instance` holds a key of this folder that may serve its service
    /// (`ServiceKeyNames`): the client-side check that a registry was not fooled.
    public func mayServe(_ instance: RegistryAPI.Instance) -> Bool {
        guard let key = instance.public_key.flatMap({ CurveKey(z85: $0) }), let name = allowed[key] else { return false }
        return ServiceKeyNames.may(name, serve: instance.service)
    }

    /// Every `*.pub` in the folder, by caller name.
    public static func allowList(directory: String) throws -> [CurveKey: String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var allowed: [CurveKey: String] = [:]
        for file in files where file.hasSuffix(".pub") {
            let path = (directory as NSString).appendingPathComponent(file)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                  let key = CurveKey(z85: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw KeyRingError("\(path) does not hold a 40-character Z85 public key")
            }
            allowed[key] = String(file.dropLast(4))
        }
        return allowed
    }

    /// Writes a key pair for each name that has none yet. Returns the names written.
    @discardableResult
    public static func generate(directory: String, names: [String]) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        var written: [String] = []
        for name in names {
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), !name.isEmpty else {
                throw KeyRingError("key name \"\(name)\" must be letters, digits, - or _ (service_label for a second key of a service)")
            }
            let secretPath = (directory as NSString).appendingPathComponent("\(name).key")
            let publicPath = (directory as NSString).appendingPathComponent("\(name).pub")
            guard !FileManager.default.fileExists(atPath: secretPath) else { continue }
            let pair = try CurveKeyPair.generate()
            guard FileManager.default.createFile(atPath: secretPath, contents: Data((pair.secretKey.z85 + "\n").utf8),
                                                 attributes: [.posixPermissions: 0o600]),
                  FileManager.default.createFile(atPath: publicPath, contents: Data((pair.publicKey.z85 + "\n").utf8),
                                                 attributes: [.posixPermissions: 0o644]) else {
                throw KeyRingError("cannot write keys into \(directory)")
            }
            written.append(name)
        }
        return written
    }
}

public struct KeyRingError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
