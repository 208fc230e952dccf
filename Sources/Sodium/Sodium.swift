import CSodium

/// Entry point of the libsodium binding.
///
/// Every API of this module calls ``initialize()`` itself; call it explicitly only
/// to pay the (tiny) start-up cost early, e.g. before spawning worker threads.
public enum Sodium {
    /// `sodium_init()` runs exactly once per process: Swift initialises a global
    /// `static let` lazily and thread-safely.
    private static let initialized: Bool = sodium_init() >= 0

    /// Initialises libsodium. Thread-safe and idempotent.
    ///
    /// Stops the process if libsodium cannot initialise (no secure random source),
    /// since nothing cryptographic can be done safely afterwards.
    public static func initialize() {
        guard initialized else {
            fatalError("sodium_init() failed: libsodium cannot be used in this process")
        }
    }

    /// The version of the linked libsodium, e.g. `"1.0.18"`.
    public static var version: String {
        String(cString: sodium_version_string())
    }
}
