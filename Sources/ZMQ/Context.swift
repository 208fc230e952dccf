import CZeroMQ

/// A libzmq context. Thread-safe by libzmq's contract; sockets created from it are not.
public final class Context: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private var terminated = false

    public init(ioThreads: Int32 = 1) throws {
        guard let handle = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        self.handle = handle
        zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads)
        zmq_ctx_set(handle, ZMQ_BLOCKY, 0)
    }

    /// Terminates the context. Every socket must be closed first, or this blocks (their LINGER bounds it).
    public func terminate() {
        guard !terminated else { return }
        terminated = true
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }

    /// Opens a socket of `type`. Use it from one thread only (the I/O loop's).
    public func socket(_ type: SocketType) throws -> Socket {
        guard let raw = zmq_socket(handle, type.rawValue) else { throw ZMQError.last("zmq_socket") }
        return Socket(handle: raw, type: type)
    }
}

/// The socket types the platform uses (no draft types: Debian's build does not export them).
public enum SocketType: Int32, Sendable {
    case router, dealer, pub, sub, req, rep, pair

    public var rawValue: Int32 {
        switch self {
        case .router: ZMQ_ROUTER
        case .dealer: ZMQ_DEALER
        case .pub: ZMQ_PUB
        case .sub: ZMQ_SUB
        case .req: ZMQ_REQ
        case .rep: ZMQ_REP
        case .pair: ZMQ_PAIR
        }
    }

    public init?(rawValue: Int32) { nil }
}
