import CZeroMQ
import Foundation

/// The baseline: raw libzmq, DEALER → ROUTER echo with the same frames as an MPP/1 request,
/// blocking calls on two plain threads (no actors, no parsing, no JSON).
enum RawBaseline {
    /// Starts a ROUTER echo thread; returns its endpoint and a stop function.
    static func startEchoServer(context: UnsafeMutableRawPointer) -> (String, @Sendable () -> Void) {
        let router = zmq_socket(context, ZMQ_ROUTER)!
        var linger: Int32 = 0
        zmq_setsockopt(router, ZMQ_LINGER, &linger, 4)
        var hwm: Int32 = 100_000
        zmq_setsockopt(router, ZMQ_SNDHWM, &hwm, 4)
        zmq_setsockopt(router, ZMQ_RCVHWM, &hwm, 4)
        var timeout: Int32 = 200
        zmq_setsockopt(router, ZMQ_RCVTIMEO, &timeout, 4)
        zmq_bind(router, "tcp://127.0.0.1:*")
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        zmq_getsockopt(router, ZMQ_LAST_ENDPOINT, &buffer, &size)
        let endpoint = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let running = Flag()
        let handle = SocketHandle(router)
        let thread = Thread {
            let router = handle.pointer
            while running.isSet {
                guard let frames = receiveAll(router) else { continue }
                // Reply: route + delimiter, MPP/1, request id, "ok", body.
                sendAll(router, [frames[0], frames[1], frames[2], frames[3], Array("ok".utf8), frames[6]])
            }
            zmq_close(router)
        }
        thread.start()
        return (endpoint, { running.clear() })
    }

    /// Sequential round trips: latency of each in nanoseconds.
    static func sequential(context: UnsafeMutableRawPointer, endpoint: String, count: Int, request: [[UInt8]]) -> [UInt64] {
        let dealer = connectDealer(context, endpoint)
        defer { zmq_close(dealer) }
        var latencies: [UInt64] = []
        latencies.reserveCapacity(count)
        for _ in 0..<count {
            let start = DispatchTime.now().uptimeNanoseconds
            sendAll(dealer, request)
            _ = receiveAll(dealer)
            latencies.append(DispatchTime.now().uptimeNanoseconds - start)
        }
        return latencies
    }

    /// Pipelined: keeps `window` requests in flight; returns seconds for `count` round trips.
    static func pipelined(context: UnsafeMutableRawPointer, endpoint: String, count: Int, window: Int, request: [[UInt8]]) -> Double {
        let dealer = connectDealer(context, endpoint)
        defer { zmq_close(dealer) }
        let start = DispatchTime.now().uptimeNanoseconds
        var sent = 0, received = 0
        while sent < min(window, count) { sendAll(dealer, request); sent += 1 }
        while received < count {
            _ = receiveAll(dealer)
            received += 1
            if sent < count { sendAll(dealer, request); sent += 1 }
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private static func connectDealer(_ context: UnsafeMutableRawPointer, _ endpoint: String) -> UnsafeMutableRawPointer {
        let dealer = zmq_socket(context, ZMQ_DEALER)!
        var linger: Int32 = 0
        zmq_setsockopt(dealer, ZMQ_LINGER, &linger, 4)
        var hwm: Int32 = 100_000
        zmq_setsockopt(dealer, ZMQ_SNDHWM, &hwm, 4)
        zmq_setsockopt(dealer, ZMQ_RCVHWM, &hwm, 4)
        zmq_connect(dealer, endpoint)
        return dealer
    }

    static func sendAll(_ socket: UnsafeMutableRawPointer, _ frames: [[UInt8]]) {
        for (index, frame) in frames.enumerated() {
            let flags = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            _ = frame.withUnsafeBytes { zmq_send(socket, $0.baseAddress, $0.count, flags) }
        }
    }

    static func receiveAll(_ socket: UnsafeMutableRawPointer) -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        repeat {
            guard zmq_msg_recv(&message, socket, 0) >= 0 else { return nil }
            let size = zmq_msg_size(&message)
            frames.append(size == 0 ? [] : Array(UnsafeRawBufferPointer(start: zmq_msg_data(&message), count: size)))
        } while zmq_msg_more(&message) != 0
        return frames
    }
}

/// A raw libzmq socket pointer handed to the one thread that uses it.
struct SocketHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(_ pointer: UnsafeMutableRawPointer) { self.pointer = pointer }
}

/// A stop flag shared between threads.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = true
    var isSet: Bool { lock.withLock { value } }
    func clear() { lock.withLock { value = false } }
}
