import CZeroMQ

/// A 32-byte CURVE key, written as 40 Z85 characters in files and configuration.
public struct CurveKey: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// Parses 40 Z85 characters.
    public init?(z85: String) {
        guard z85.utf8.count == 40, let decoded = Z85.decode(z85), decoded.count == 32 else { return nil }
        bytes = decoded
    }

    public var z85: String { Z85.encode(bytes) ?? "" }
    /// Never prints key material: a key may be secret. Use `z85` for a public key's text.
    public var description: String { "CurveKey(…)" }
}

/// A CURVE key pair (libzmq's `zmq_curve_keypair`). Printing it never shows the secret key.
public struct CurveKeyPair: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let publicKey: CurveKey
    public let secretKey: CurveKey

    public init(publicKey: CurveKey, secretKey: CurveKey) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    public var description: String { "CurveKeyPair(public: \(publicKey.z85), secret: [redacted])" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["publicKey": publicKey.z85, "secretKey": "[redacted]"]) }

    /// A new random key pair.
    public static func generate() throws -> CurveKeyPair {
        var publicText = [CChar](repeating: 0, count: 41)
        var secretText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicText, &secretText) == 0 else { throw ZMQError.last("zmq_curve_keypair") }
        let pair = CurveKeyPair(publicKey: CurveKey(z85: cText(publicText))!,
                                secretKey: CurveKey(z85: cText(secretText))!)
        return pair
    }

    /// The pair whose secret key is `secretKey` (derives the public key).
    public init?(secretKey: CurveKey) {
        var publicText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&publicText, secretKey.z85) == 0,
              let publicKey = CurveKey(z85: cText(publicText)) else { return nil }
        self.init(publicKey: publicKey, secretKey: secretKey)
    }
}

/// ZeroMQ's Z85 encoding (RFC 32): 4 bytes ↔ 5 printable characters.
public enum Z85 {
    public static func encode(_ bytes: [UInt8]) -> String? {
        guard bytes.count % 4 == 0 else { return nil }
        var out = [CChar](repeating: 0, count: bytes.count * 5 / 4 + 1)
        guard zmq_z85_encode(&out, bytes, bytes.count) != nil else { return nil }
        return cText(out)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        guard text.utf8.count % 5 == 0 else { return nil }
        var out = [UInt8](repeating: 0, count: text.utf8.count * 4 / 5)
        guard zmq_z85_decode(&out, text) != nil else { return nil }
        return out
    }
}

/// A NUL-terminated C buffer as a String.
func cText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
