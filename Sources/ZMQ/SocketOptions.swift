import CZeroMQ

/// Typed socket options: the ones the platform sets on every socket (DESIGN.md "Inside a service").
extension Socket {
    /// Milliseconds pending messages may linger on close.
    public func setLinger(milliseconds: Int32) throws { try setOption(ZMQ_LINGER, milliseconds) }

    /// Messages larger than this drop the connection instead of reaching the application.
    public func setMaxMessageSize(bytes: Int64) throws { try setInt64Option(ZMQ_MAXMSGSIZE, bytes) }

    /// ZMTP heartbeats: ping every `interval`, drop the peer after `timeout` silent.
    public func setHeartbeat(intervalMilliseconds: Int32, timeoutMilliseconds: Int32, ttlMilliseconds: Int32) throws {
        try setOption(ZMQ_HEARTBEAT_IVL, intervalMilliseconds)
        try setOption(ZMQ_HEARTBEAT_TIMEOUT, timeoutMilliseconds)
        try setOption(ZMQ_HEARTBEAT_TTL, ttlMilliseconds)
    }

    /// ROUTER: a send to an unknown peer fails with EHOSTUNREACH instead of vanishing.
    public func setRouterMandatory(_ on: Bool) throws { try setOption(ZMQ_ROUTER_MANDATORY, Int32(on ? 1 : 0)) }

    /// Queue messages only to completed connections (DEALERs connected to several instances).
    public func setImmediate(_ on: Bool) throws { try setOption(ZMQ_IMMEDIATE, Int32(on ? 1 : 0)) }

    public func setSendHighWaterMark(_ messages: Int32) throws { try setOption(ZMQ_SNDHWM, messages) }
    public func setReceiveHighWaterMark(_ messages: Int32) throws { try setOption(ZMQ_RCVHWM, messages) }

    /// The identity this socket presents to a ROUTER peer.
    public func setRoutingID(_ id: [UInt8]) throws { try setOption(ZMQ_ROUTING_ID, id) }

    /// Reconnect interval after a dropped connection.
    public func setReconnectInterval(milliseconds: Int32, maximum: Int32) throws {
        try setOption(ZMQ_RECONNECT_IVL, milliseconds)
        try setOption(ZMQ_RECONNECT_IVL_MAX, maximum)
    }

    /// SUB: receive topics starting with `prefix` ("" for all).
    public func subscribe(_ prefix: String) throws { try setOption(ZMQ_SUBSCRIBE, Array(prefix.utf8)) }
    public func unsubscribe(_ prefix: String) throws { try setOption(ZMQ_UNSUBSCRIBE, Array(prefix.utf8)) }

    /// Makes this a CURVE server that authenticates clients through ZAP in `domain`, failing
    /// closed: with option 93 set, a missing ZAP handler refuses every client.
    public func makeCurveServer(secretKey: CurveKey, domain: String = "mpp") throws {
        try setOption(ZMQ_CURVE_SERVER, Int32(1))
        try setOption(ZMQ_CURVE_SECRETKEY, secretKey.bytes)
        try setOption(ZMQ_ZAP_DOMAIN, Array(domain.utf8))
        try setOption(ZMQ_ZAP_ENFORCE_DOMAIN, Int32(1))
    }

    /// Makes this a CURVE client of the server whose public key is `serverKey`.
    public func makeCurveClient(serverKey: CurveKey, keyPair: CurveKeyPair) throws {
        try setOption(ZMQ_CURVE_SERVERKEY, serverKey.bytes)
        try setOption(ZMQ_CURVE_PUBLICKEY, keyPair.publicKey.bytes)
        try setOption(ZMQ_CURVE_SECRETKEY, keyPair.secretKey.bytes)
    }
}
