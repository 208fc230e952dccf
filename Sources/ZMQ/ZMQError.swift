import CZeroMQ

/// A failed libzmq call: the errno and libzmq's own words for it.
public struct ZMQError: Error, CustomStringConvertible, Sendable, Equatable {
    public let code: Int32
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// The current `zmq_errno()`, attributed to `operation`.
    static func last(_ operation: String) -> ZMQError { ZMQError(code: zmq_errno(), operation: operation) }

    public var message: String { String(cString: zmq_strerror(code)) }
    public var description: String { "\(operation): \(message) (errno \(code))" }

    /// The send or receive would block (high-water mark, no peer, nothing to read).
    public var wouldBlock: Bool { code == EAGAIN }
    /// ROUTER_MANDATORY: the addressed peer is gone.
    public var hostUnreachable: Bool { code == EHOSTUNREACH }
    /// The context is shutting down.
    public var terminated: Bool { code == ETERM }
}

/// libzmq's version, e.g. (4, 3, 4).
public func zmqVersion() -> (major: Int, minor: Int, patch: Int) {
    var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
    zmq_version(&major, &minor, &patch)
    return (Int(major), Int(minor), Int(patch))
}

/// Whether libzmq was built with a capability, e.g. "curve".
public func zmqHas(_ capability: String) -> Bool { zmq_has(capability) == 1 }
