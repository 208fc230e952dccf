import Bus
import CZeroMQ
import Foundation
import Store
import Support
import ZMQ

/// Events end to end: committed to the outbox of one store, published, received and applied
/// with the cursor moved in the same transaction of a second store. Baseline: raw PUB → SUB of
/// the same frames with no storage at all.
func eventBenchmark(directory: String, count: Int) async throws -> [String] {
    let folder = directory + "/event-benchmark-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let data: JSONValue = ["tracking_number": "3273-261123-K7Q4M2", "from": "submitted", "to": "verified"]
    let now = SystemClock().now()
    let sample = CloudEvent(id: "bench-1", source: "mpp/bench", type: "application.status_changed", time: now,
                            traceID: "bench", subject: nil, data: data)
    let frames: [[UInt8]] = [Array("application.status_changed".utf8), Envelope.version, Array("bench".utf8), Array("1".utf8), try JSON.encode(sample)]
    let rawSeconds = rawPubSub(count: count, frames: frames)

    let publisherStore = try Store(path: folder + "/publisher.db", migrations: [])
    let consumerStore = try Store(path: folder + "/consumer.db", migrations: [
        Migration(1, "applied", "CREATE TABLE applied (seq INTEGER PRIMARY KEY, topic TEXT NOT NULL)"),
    ])
    let logger = Logger(service: "bench", level: .error)
    let publisher = EventPublisher(stream: "bench", store: publisherStore)
    let methods = MethodTable()
    publisher.registerReplay(on: methods)
    let server = RPCServer(identity: ServiceIdentity(service: "bench", instance: "bench-1", version: "bench"), methods: methods, logger: logger)
    let rpcEndpoint = try await server.start(bind: "tcp://127.0.0.1:*")
    let eventsEndpoint = try await publisher.start(bind: "tcp://127.0.0.1:*")
    let client = RPCClient()
    let subscriber = EventSubscriber(consumer: "bench", store: consumerStore, client: client, topics: ["application."], logger: logger) { db, event in
        try db.run("INSERT INTO applied (seq, topic) VALUES (?, ?)", [.integer(event.seq), .text(event.topic)])
    }
    try await subscriber.start()
    try await subscriber.follow(EventSource(events: eventsEndpoint, rpc: rpcEndpoint))
    try await Task.sleep(for: .milliseconds(300))  // let the SUB connect

    let start = Monotonic.nanoseconds()
    let batch = 50
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<8 {
            group.addTask {
                for first in stride(from: worker * batch, to: count, by: 8 * batch) {
                    try await publisherStore.write { db in
                        for _ in first..<min(first + batch, count) {
                            try Outbox.append(db, stream: "bench", type: "application.status_changed", data: data, time: now)
                        }
                    }
                }
            }
        }
        try await group.waitForAll()
    }
    let committed = Monotonic.nanoseconds()
    while try await subscriber.cursor("bench") < Int64(count) { try await Task.sleep(for: .milliseconds(2)) }
    let busSeconds = Double(Monotonic.nanoseconds() - start) / 1e9
    let applied = try await consumerStore.read { try $0.queryOne("SELECT count(*) AS n FROM applied")?.int("n") ?? 0 }
    await subscriber.stop()
    await publisher.shutdown()
    await server.shutdown()
    await client.shutdown()
    publisherStore.close()
    consumerStore.close()
    guard applied == count else { throw RPCError(.internal, "event benchmark: applied \(applied) of \(count)") }

    let rawRate = Double(count) / rawSeconds, busRate = Double(count) / busSeconds
    return [
        "Events: \(count) events committed (8 writers, \(batch) per transaction) → published → applied with the cursor in one transaction (both stores fsync on commit)",
        row("", "raw PUB→SUB", "durable bus", "ratio (bus/raw)", ""),
        row("events/s end to end", rate(rawRate), rate(busRate), ratio(busRate, rawRate), ""),
        "  (publisher committed all in \(String(format: "%.2f", Double(committed - start) / 1e9)) s; every event applied exactly once: \(applied))",
    ]
}

/// Raw libzmq PUB → SUB of `count` copies of `frames`; returns seconds until the last arrived.
private func rawPubSub(count: Int, frames: [[UInt8]]) -> Double {
    let context = zmq_ctx_new()!
    defer { zmq_ctx_term(context) }
    let pub = zmq_socket(context, ZMQ_PUB)!, sub = zmq_socket(context, ZMQ_SUB)!
    var hwm: Int32 = 0
    var linger: Int32 = 0
    for socket in [pub, sub] {
        zmq_setsockopt(socket, ZMQ_SNDHWM, &hwm, 4)
        zmq_setsockopt(socket, ZMQ_RCVHWM, &hwm, 4)
        zmq_setsockopt(socket, ZMQ_LINGER, &linger, 4)
    }
    zmq_bind(pub, "tcp://127.0.0.1:*")
    var buffer = [CChar](repeating: 0, count: 256)
    var size = buffer.count
    zmq_getsockopt(pub, ZMQ_LAST_ENDPOINT, &buffer, &size)
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0)
    zmq_connect(sub, String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    Thread.sleep(forTimeInterval: 0.3)
    let start = DispatchTime.now().uptimeNanoseconds
    let publisherHandle = SocketHandle(pub)
    let sender = Thread { for _ in 0..<count { RawBaseline.sendAll(publisherHandle.pointer, frames) } }
    sender.start()
    for _ in 0..<count { _ = RawBaseline.receiveAll(sub) }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    zmq_close(pub)
    zmq_close(sub)
    return seconds
}
