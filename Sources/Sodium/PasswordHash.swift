import CSodium

/// Password storage with Argon2id (`crypto_pwhash_argon2id_str`).
///
/// A hash is a self-describing ASCII string (`$argon2id$v=19$m=…,t=…,p=1$salt$hash`)
/// holding its own salt and parameters, ready to store as-is.
public enum PasswordHash {
    /// The cost of a hash: CPU passes and memory.
    public struct Parameters: Sendable, Equatable {
        /// Number of passes over memory (`opslimit`).
        public var opsLimit: Int
        /// Memory used, in bytes (`memlimit`).
        public var memLimit: Int

        /// Creates parameters; see ``interactive`` and ``minimum`` for sensible values.
        public init(opsLimit: Int, memLimit: Int) {
            self.opsLimit = opsLimit
            self.memLimit = memLimit
        }

        /// libsodium's interactive level: 2 passes, 64 MiB. The default for logins.
        public static let interactive = Parameters(
            opsLimit: crypto_pwhash_argon2id_opslimit_interactive(),
            memLimit: crypto_pwhash_argon2id_memlimit_interactive())

        /// The smallest accepted cost (1 pass, 8 KiB): for tests only.
        public static let minimum = Parameters(
            opsLimit: crypto_pwhash_argon2id_opslimit_min(),
            memLimit: crypto_pwhash_argon2id_memlimit_min())
    }

    /// Longest hash string accepted by ``verify(_:hash:)`` and ``needsRehash(_:parameters:)``.
    private static let maximumHashLength = Int(crypto_pwhash_argon2id_STRBYTES) - 1

    /// Hashes `password` with a fresh random salt.
    ///
    /// - Throws: ``SodiumError`` if the parameters are out of range or the memory
    ///   cannot be allocated.
    public static func hash(_ password: String, parameters: Parameters = .interactive) throws -> String {
        Sodium.initialize()
        guard parameters.opsLimit >= 0, parameters.memLimit >= 0 else {
            throw SodiumError("negative password hash parameters")
        }
        var out = [CChar](repeating: 0, count: Int(crypto_pwhash_argon2id_STRBYTES))
        let status = withPasswordBytes(password) { pointer, length in
            crypto_pwhash_argon2id_str(&out, pointer, UInt64(length),
                                       UInt64(parameters.opsLimit), parameters.memLimit)
        }
        guard status == 0 else {
            throw SodiumError("Argon2id hashing failed (out of memory or parameters out of range)")
        }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Returns whether `password` matches `hash` (Argon2id or Argon2i). A malformed
    /// hash gives `false`.
    public static func verify(_ password: String, hash: String) -> Bool {
        Sodium.initialize()
        guard let stored = cString(hash) else { return false }
        return withPasswordBytes(password) { pointer, length in
            crypto_pwhash_str_verify(stored, pointer, UInt64(length))
        } == 0
    }

    /// Returns whether `hash` was made with parameters other than `parameters`, or is
    /// not an Argon2id hash at all: then hash the password again after a successful
    /// ``verify(_:hash:)`` and store the new hash.
    public static func needsRehash(_ hash: String, parameters: Parameters) -> Bool {
        Sodium.initialize()
        guard let stored = cString(hash), parameters.opsLimit >= 0, parameters.memLimit >= 0 else {
            return true
        }
        return crypto_pwhash_argon2id_str_needs_rehash(
            stored, UInt64(parameters.opsLimit), parameters.memLimit) != 0
    }

    /// The hash as a NUL-terminated buffer of libsodium's fixed size, or nil if it
    /// cannot be a valid hash (too long, embedded NUL).
    private static func cString(_ hash: String) -> [CChar]? {
        let bytes = Array(hash.utf8)
        guard bytes.count <= maximumHashLength, !bytes.contains(0) else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(crypto_pwhash_argon2id_STRBYTES))
        for (index, byte) in bytes.enumerated() { buffer[index] = CChar(bitPattern: byte) }
        return buffer
    }

    /// Calls `body` with a private copy of the password's UTF-8 bytes, wiped afterwards.
    private static func withPasswordBytes(
        _ password: String, _ body: (UnsafePointer<CChar>, Int) -> Int32
    ) -> Int32 {
        var bytes = Array(password.utf8CString)  // NUL-terminated, so never empty
        defer { bytes.withUnsafeMutableBytes { sodium_memzero($0.baseAddress!, $0.count) } }
        return bytes.withUnsafeBufferPointer { body($0.baseAddress!, $0.count - 1) }
    }
}
