/// Which CURVE key may act as which service (docs/operations.md, "Keys and CURVE").
///
/// A key file's name is the caller name the ZAP handler reports. The key named `S`, or `S_LABEL`
/// (a second host of the same service with its own pair, e.g. `identity_b`), may register
/// instances of service `S`; no other key may. Clients apply the same rule to the `public_key`
/// of every instance the registry lists, so a registry that was fooled is not believed either.
public enum ServiceKeyNames {
    /// Whether the key named `keyName` may serve as `service`.
    public static func may(_ keyName: String, serve service: String) -> Bool {
        guard !service.isEmpty, keyName.hasPrefix(service) else { return false }
        let rest = keyName.dropFirst(service.count)
        return rest.isEmpty || (rest.first == "_" && rest.count > 1)
    }
}
