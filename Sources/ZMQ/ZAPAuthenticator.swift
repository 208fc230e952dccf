import Synchronization

/// The ZAP handler (RFC 27) of a context: answers libzmq's authentication requests for CURVE
/// servers from an allow-list of client public keys. Fails closed: an unknown key, another
/// mechanism or a malformed request is refused. The allowed key's name becomes the `User-Id`
/// that handlers see as the caller.
///
/// Start it before binding any CURVE server socket in the same context.
public actor ZAPAuthenticator {
    public static let endpoint = "inproc://zeromq.zap.01"

    public nonisolated let loop: IOLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

    private let allowList: Mutex<[CurveKey: String]>
    private let onRefusal: @Sendable (_ address: String, _ key: String, _ reason: String) -> Void
    private var socket: Socket?

    /// - Parameters:
    ///   - allowed: client public keys and the caller name each stands for.
    ///   - onRefusal: told of every refused connection (for the log).
    public init(loop: IOLoop, allowed: [CurveKey: String],
                onRefusal: @escaping @Sendable (_ address: String, _ key: String, _ reason: String) -> Void = { _, _, _ in }) {
        self.loop = loop
        self.allowList = Mutex(allowed)
        self.onRefusal = onRefusal
    }

    /// Binds the handler socket. Idempotent.
    public func start() throws {
        guard socket == nil else { return }
        let rep = try loop.context.socket(.rep)
        try rep.setLinger(milliseconds: 0)
        try rep.bind(Self.endpoint)
        socket = rep
        loop.watch(rep) { [unowned self] in self.assumeIsolated { $0.drain() } }
    }

    /// Replaces the allow-list (keys folder reloaded).
    public nonisolated func setAllowed(_ allowed: [CurveKey: String]) {
        allowList.withLock { $0 = allowed }
    }

    public func shutdown() {
        guard let socket else { return }
        loop.release(socket)
        self.socket = nil
    }

    private func drain() {
        guard let socket else { return }
        for _ in 0..<64 {
            guard let request = try? socket.receive() else { return }
            let reply = answer(request.frames)
            _ = try? socket.send(reply)
        }
    }

    /// Request: version, request id, domain, address, routing id, mechanism, credentials…
    /// Reply: version, request id, status code, status text, user id, metadata.
    func answer(_ frames: [[UInt8]]) -> [[UInt8]] {
        let requestID = frames.count > 1 ? frames[1] : []
        func reply(_ code: String, _ text: String, user: String = "") -> [[UInt8]] {
            [Array("1.0".utf8), requestID, Array(code.utf8), Array(text.utf8), Array(user.utf8), []]
        }
        guard frames.count >= 6, String(decoding: frames[0], as: UTF8.self) == "1.0" else {
            onRefusal("?", "?", "malformed ZAP request")
            return reply("400", "malformed request")
        }
        let address = String(decoding: frames[3], as: UTF8.self)
        let mechanism = String(decoding: frames[5], as: UTF8.self)
        guard mechanism == "CURVE", frames.count >= 7, let key = CurveKey(bytes: frames[6]) else {
            onRefusal(address, "?", "mechanism \(mechanism) not allowed")
            return reply("400", "CURVE required")
        }
        guard let name = allowList.withLock({ $0[key] }) else {
            onRefusal(address, key.z85, "key not on the allow-list")
            return reply("400", "key not allowed")
        }
        return reply("200", "OK", user: name)
    }
}
