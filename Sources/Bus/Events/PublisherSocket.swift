import Foundation
import Support
import ZMQ

/// The PUB socket of a service, owned by the I/O loop.
actor PublisherSocket {
    nonisolated let loop: IOLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }
    private var socket: Socket?

    init(loop: IOLoop) { self.loop = loop }

    func bind(_ address: String, security: ServerSecurity) throws -> String {
        let pub = try loop.context.socket(.pub)
        do {
            try pub.setLinger(milliseconds: 100)
            try pub.setSendHighWaterMark(100_000)
            try pub.setHeartbeat(intervalMilliseconds: 2_000, timeoutMilliseconds: 6_000, ttlMilliseconds: 6_000)
            if case .curve(let secretKey) = security { try pub.makeCurveServer(secretKey: secretKey) }
            let bound = try pub.bind(address)
            socket = pub
            return bound
        } catch {
            pub.close()
            throw error
        }
    }

    /// Sends messages; a PUB never blocks (slow subscribers drop and catch up by replay).
    func send(_ messages: [[[UInt8]]]) {
        guard let socket else { return }
        for message in messages { _ = try? socket.send(message) }
    }

    func close() {
        socket?.close()
        socket = nil
    }
}
