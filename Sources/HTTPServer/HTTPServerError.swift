import Glibc

/// Why the server could not start listening.
public enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    case system(String, Int32)
    case invalidAddress(String)
    /// A live server already listens on this unix socket path.
    case addressInUse(String)

    public var description: String {
        switch self {
        case .system(let operation, let code): "\(operation): \(String(cString: strerror(code)))"
        case .invalidAddress(let address): "not a listen address: \(address)"
        case .addressInUse(let address): "address in use: \(address)"
        }
    }
}
