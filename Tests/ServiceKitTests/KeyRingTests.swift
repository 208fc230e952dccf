import Foundation
import ServiceKit
import TestKit
import Testing
import ZMQ

/// CURVE key files of a deployment: `<name>.key` (secret, 0600) and `<name>.pub` (public, the allow-list).
@Suite struct KeyRingTests {
    static func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    static func text(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func generateWritesAPairPerNameWithPrivateSecretKeys() throws {
        let top = temporaryPath("mpp-keys")
        let directory = top + "/nested/keys"
        defer { try? FileManager.default.removeItem(atPath: top) }
        let written = try KeyRing.generate(directory: directory, names: ["registry", "mpp", "notify-worker", "ops_2"])
        #expect(written == ["registry", "mpp", "notify-worker", "ops_2"])
        #expect(try Self.permissions(directory) == 0o700)
        for name in written {
            let secret = "\(directory)/\(name).key", pub = "\(directory)/\(name).pub"
            #expect(try Self.permissions(secret) == 0o600, "\(name).key must be readable by its owner only")
            #expect(try Self.permissions(pub) == 0o644)
            let secretKey = try #require(CurveKey(z85: try Self.text(secret)), "\(name).key holds Z85")
            let publicKey = try #require(CurveKey(z85: try Self.text(pub)), "\(name).pub holds Z85")
            #expect(try Self.text(pub).count == 40)
            #expect(CurveKeyPair(secretKey: secretKey)?.publicKey == publicKey, "the .pub matches the .key")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(files.count == 8)
    }

    @Test func generateKeepsExistingKeys() throws {
        let directory = temporaryPath("mpp-keys")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try KeyRing.generate(directory: directory, names: ["registry"])
        let before = try Self.text("\(directory)/registry.key")
        let beforePublic = try Self.text("\(directory)/registry.pub")
        let written = try KeyRing.generate(directory: directory, names: ["registry", "catalog"])
        #expect(written == ["catalog"])
        #expect(try Self.text("\(directory)/registry.key") == before, "an existing secret key is never overwritten")
        #expect(try Self.text("\(directory)/registry.pub") == beforePublic)
        #expect(try KeyRing.generate(directory: directory, names: ["registry", "catalog"]).isEmpty)
    }

    @Test(arguments: ["", "../evil", "a b", "x.y", "name/with/slash", "semi;colon", "*"])
    func generateRejectsBadNames(name: String) throws {
        let directory = temporaryPath("mpp-keys")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: KeyRingError.self) { try KeyRing.generate(directory: directory, names: [name]) }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        #expect(files.isEmpty, "nothing written for \"\(name)\": \(files)")
        #expect(!FileManager.default.fileExists(atPath: (directory as NSString).deletingLastPathComponent + "/evil.key"))
    }

    @Test func badNameMessageSaysWhatIsAllowed() throws {
        let directory = temporaryPath("mpp-keys")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            try KeyRing.generate(directory: directory, names: ["a b"])
            Issue.record("accepted a name with a space")
        } catch let error as KeyRingError {
            #expect(error.description.contains("a b") && error.description.contains("letters"))
        }
    }

    @Test func loadGivesOwnPairAndTheAllowListByName() throws {
        let directory = temporaryPath("mpp-keys")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try KeyRing.generate(directory: directory, names: ["registry", "catalog", "mpp"])
        _ = FileManager.default.createFile(atPath: "\(directory)/README.txt", contents: Data("not a key".utf8))

        let ring = try KeyRing.load(directory: directory, name: "catalog")
        #expect(ring.name == "catalog" && ring.directory == directory)
        #expect(ring.own.publicKey.z85 == (try Self.text("\(directory)/catalog.pub")))
        #expect(ring.own.secretKey.z85 == (try Self.text("\(directory)/catalog.key")))
        #expect(Set(ring.allowed.values) == ["registry", "catalog", "mpp"], "every *.pub and nothing else")
        #expect(ring.allowed[ring.own.publicKey] == "catalog")
        #expect(ring.publicKey(named: "registry")?.z85 == (try Self.text("\(directory)/registry.pub")))
        #expect(ring.publicKey(named: "nobody") == nil)
        #expect(try KeyRing.allowList(directory: directory) == ring.allowed)
    }

    @Test func removingAPublicKeyRemovesItFromTheAllowList() throws {
        let directory = temporaryPath("mpp-keys")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try KeyRing.generate(directory: directory, names: ["registry", "intruder"])
        try FileManager.default.removeItem(atPath: "\(directory)/intruder.pub")
        #expect(Set(try KeyRing.allowList(directory: directory).values) == ["registry"])
        // The intruder still has its own pair: it can try, but nobody allows it.
        let intruder = try KeyRing.load(directory: directory, name: "intruder")
        #expect(intruder.allowed[intruder.own.publicKey] == nil)
    }

    @Test func loadWithoutASecretKeyExplainsHowToMakeOne() throws {
        let directory = temporaryPath("mpp-keys")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try KeyRing.generate(directory: directory, names: ["registry"])
        do {
            _ = try KeyRing.load(directory: directory, name: "catalog")
            Issue.record("loaded a key that does not exist")
        } catch let error as KeyRingError {
            #expect(error.description.contains("catalog.key"))
            #expect(error.description.contains("mpp keys init"))
        }
        // A corrupt secret key is refused too.
        _ = FileManager.default.createFile(atPath: "\(directory)/broken.key", contents: Data("not z85\n".utf8))
        #expect(throws: KeyRingError.self) { try KeyRing.load(directory: directory, name: "broken") }
    }

    @Test func aCorruptPublicKeyIsAnErrorNotASilentSkip() throws {
        let directory = temporaryPath("mpp-keys")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try KeyRing.generate(directory: directory, names: ["registry"])
        _ = FileManager.default.createFile(atPath: "\(directory)/garbage.pub", contents: Data("short\n".utf8))
        #expect(throws: KeyRingError.self) { try KeyRing.allowList(directory: directory) }
        #expect(throws: KeyRingError.self) { try KeyRing.load(directory: directory, name: "registry") }
    }

    @Test func aMissingFolderIsAnEmptyAllowList() throws {
        #expect(try KeyRing.allowList(directory: temporaryPath("mpp-keys")).isEmpty)
    }
}
