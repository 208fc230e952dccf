import CZeroMQ

/// One received multipart message, with the ZAP user id of the peer when CURVE is on.
public struct Multipart: Sendable {
    public var frames: [[UInt8]]
    /// The name the ZAP handler gave the peer's key (`User-Id`), or nil in plain mode.
    public var userID: String?

    public init(frames: [[UInt8]], userID: String? = nil) {
        self.frames = frames
        self.userID = userID
    }
}

/// A libzmq socket. Not thread-safe (libzmq's rule, which a mutex does not fix): an actor whose
/// executor is the I/O loop owns it, so actor isolation is thread confinement. Close it in an
/// isolated `shutdown()`, never in `deinit`.
public final class Socket {
    let handle: UnsafeMutableRawPointer
    public let type: SocketType
    public private(set) var isClosed = false

    init(handle: UnsafeMutableRawPointer, type: SocketType) {
        self.handle = handle
        self.type = type
    }

    /// Binds, returning the endpoint actually bound (resolves `tcp://127.0.0.1:*` to the chosen port).
    @discardableResult
    public func bind(_ endpoint: String) throws -> String {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError.last("bind \(endpoint)") }
        return (try? lastEndpoint()) ?? endpoint
    }

    public func connect(_ endpoint: String) throws {
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError.last("connect \(endpoint)") }
    }

    public func disconnect(_ endpoint: String) throws {
        guard zmq_disconnect(handle, endpoint) == 0 else { throw ZMQError.last("disconnect \(endpoint)") }
    }

    public func unbind(_ endpoint: String) throws {
        guard zmq_unbind(handle, endpoint) == 0 else { throw ZMQError.last("unbind \(endpoint)") }
    }

    public func lastEndpoint() throws -> String { try stringOption(ZMQ_LAST_ENDPOINT) }

    /// Sends all frames as one message without blocking. Returns false when it would block
    /// (high-water mark, no peer); throws on other errors (e.g. EHOSTUNREACH on a ROUTER).
    @discardableResult
    public func send(_ frames: [[UInt8]]) throws -> Bool {
        precondition(!frames.isEmpty, "a message has at least one frame")
        for (index, frame) in frames.enumerated() {
            let more = index < frames.count - 1
            let flags = ZMQ_DONTWAIT | (more ? ZMQ_SNDMORE : 0)
            let sent = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            if sent < 0 {
                let error = ZMQError.last("send")
                // libzmq is atomic per message: failing on the first frame sends nothing.
                if index == 0 && error.wouldBlock { return false }
                throw error
            }
        }
        return true
    }

    /// Receives one whole multipart message without blocking, or nil when none is waiting.
    /// With `userID`, reads the ZAP `User-Id` property of the message.
    public func receive(userID: Bool = false) throws -> Multipart? {
        var frames: [[UInt8]] = []
        frames.reserveCapacity(8)
        var peer: String?
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        while true {
            let flags: Int32 = frames.isEmpty ? ZMQ_DONTWAIT : 0
            if zmq_msg_recv(&message, handle, flags) < 0 {
                let error = ZMQError.last("receive")
                if error.wouldBlock && frames.isEmpty { return nil }
                if error.code == EINTR { continue }
                throw error
            }
            let size = zmq_msg_size(&message)
            if let data = zmq_msg_data(&message), size > 0 {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if userID && peer == nil, let property = zmq_msg_gets(&message, "User-Id") {
                peer = String(cString: property)
            }
            if zmq_msg_more(&message) == 0 { break }
        }
        return Multipart(frames: frames, userID: peer)
    }

    /// Whether a message can be received now (`ZMQ_EVENTS` has POLLIN).
    public var isReadable: Bool { ((try? intOption(ZMQ_EVENTS)) ?? 0) & Int32(ZMQ_POLLIN) != 0 }

    /// Closes the socket. Idempotent. Must run on the owning thread.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        zmq_close(handle)
    }

    // MARK: raw options

    public func setOption(_ option: Int32, _ value: Int32) throws {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size) == 0 else {
            throw ZMQError.last("setsockopt \(option)")
        }
    }

    public func setOption(_ option: Int32, _ value: [UInt8]) throws {
        let result = value.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard result == 0 else { throw ZMQError.last("setsockopt \(option)") }
    }

    public func setInt64Option(_ option: Int32, _ value: Int64) throws {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int64>.size) == 0 else {
            throw ZMQError.last("setsockopt \(option)")
        }
    }

    public func intOption(_ option: Int32) throws -> Int32 {
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        guard zmq_getsockopt(handle, option, &value, &size) == 0 else { throw ZMQError.last("getsockopt \(option)") }
        return value
    }

    public func stringOption(_ option: Int32) throws -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        var size = buffer.count
        guard zmq_getsockopt(handle, option, &buffer, &size) == 0 else { throw ZMQError.last("getsockopt \(option)") }
        return cText(buffer)
    }
}
