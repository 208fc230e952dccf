import Bus
import Domain
import Foundation
import Notifications
import NotifyWorker
import ServiceKit
import Store
import Support
import TestKit
#if canImport(Glibc)
import Glibc
#endif

/// Notifications at scale, each figure next to a baseline measured in the same run:
/// - inbox entries made from `application.status_changed` events (rules, preferences, template,
///   UNIQUE-checked insert) vs a bare durable consumer inserting one row per event;
/// - webhook deliveries per second of one notify worker (claim over the bus, POST, report)
///   vs raw POSTs with the same HTTP client and concurrency to the same local receiver.
func notificationsBenchmark(directory: String, quick: Bool) async throws -> [String] {
    let events = quick ? 5_000 : 50_000, deliveries = quick ? 2_000 : 20_000
    let platform = try await TestPlatform.start()
    defer { Task { await platform.stop() } }
    let applications = try await platform.host("applications", migrations: [])
    try await applications.start()
    try await publishStatusChanges(applications, range: 0..<events, citizens: 1_000)

    // Baseline: a durable consumer of the same stream writing one row per event.
    let bare = try Store(path: platform.folder + "/bare.db", migrations: [Migration(1, "bare", "CREATE TABLE bare (id TEXT PRIMARY KEY, body BLOB);")])
    let bareConsumer = EventSubscriber(consumer: "bare", store: bare, client: RPCClient(), topics: ["application."],
                                       logger: Logger(service: "bench", level: .error, sink: .memory())) { db, event in
        try db.run("INSERT INTO bare (id, body) VALUES (?, ?)", [.text(event.event.id), .blob(JSONWriter.write(event.event.data))])
    }
    try await bareConsumer.start()
    let bareStart = Monotonic.nanoseconds()
    try await bareConsumer.follow(EventSource(events: applications.boundEndpoints!.events!, rpc: applications.boundEndpoints!.rpc))
    while try await bareConsumer.cursor("applications") < Int64(events) { try await Task.sleep(for: .milliseconds(5)) }
    let bareSeconds = seconds(since: bareStart)
    await bareConsumer.stop()
    bare.close()

    // The notifications service catching up on the same events.
    let settings = NotificationsSettings(rates: ["webhook": 1_000_000, "sendmail": 10, "log": 1_000_000])
    let host = try await platform.host("notifications", migrations: NotificationsService.migrations)
    let service = try await NotificationsService(host: host, settings: settings)
    let ingestStart = Monotonic.nanoseconds()
    try await service.start()
    func count(_ sql: String) async throws -> Int { try await host.store.read { try $0.queryOne(sql)?.int("n") ?? 0 } }
    while try await count("SELECT COUNT(*) AS n FROM notifications") < events { try await Task.sleep(for: .milliseconds(5)) }
    let ingestSeconds = seconds(since: ingestStart)

    // Webhook jobs for citizens reachable by sms, then one worker against a local receiver.
    let receiver = try BenchReceiver()
    defer { receiver.stop() }
    let stack = platform.clients()
    for citizen in 0..<100 {
        let _: Preferences = try await stack.client.call(
            "notifications.preferences.set", SetPreferences(channels: ["sms"], phone: "+62812000\(10_000 + citizen)"),
            options: CallOptions(token: platform.token(sub: "w-\(citizen)", role: .citizen), idempotencyKey: "bench-\(citizen)"))
    }
    try await publishStatusChanges(applications, range: 0..<deliveries, citizens: 100, prefix: "w-")
    while try await count("SELECT COUNT(*) AS n FROM jobs") < deliveries { try await Task.sleep(for: .milliseconds(5)) }

    let address = HTTPAddress(receiver.url)!, concurrency = 32, batch = 100
    let rawSeconds = try await rawPosts(address, count: deliveries, concurrency: concurrency)
    let configuration = WorkerConfiguration(name: "bench-worker", channels: ["webhook"], batch: batch, concurrency: concurrency,
                                            pollMilliseconds: 5, webhookURL: address, webhookSecret: "bench-secret-0123456789")
    let worker = NotifyWorker(configuration: configuration, client: stack.client, channels: configuration.makeChannels(),
                              logger: Logger(service: "bench-worker", level: .error, sink: .memory()))
    let deliverStart = Monotonic.nanoseconds()
    let running = Task { await worker.run() }
    while try await count("SELECT COUNT(*) AS n FROM jobs WHERE state = 'delivered'") < deliveries { try await Task.sleep(for: .milliseconds(5)) }
    let deliverSeconds = seconds(since: deliverStart)
    worker.stop()
    await running.value
    await stack.rpc.shutdown()

    let inboxRate = Double(events) / ingestSeconds
    return [
        "Notifications: \(events) status changes → inbox, \(deliveries) webhook deliveries, real store, real bus, local HTTP receiver",
        row("", "baseline", "notifications", "ratio", ""),
        row("inbox entries/s from events", rate(Double(events) / bareSeconds), rate(inboxRate), ratio(bareSeconds, ingestSeconds),
            inboxRate >= 10_000 ? "≥10k ✓" : "<10k ✗"),
        "  (baseline: a durable consumer of the same stream inserting one row per event; notifications adds rules,",
        "   preferences, template rendering and the UNIQUE (event, kind, recipient, channel) check)",
        row("webhook deliveries/s, 1 worker", rate(Double(deliveries) / rawSeconds), rate(Double(deliveries) / deliverSeconds),
            ratio(rawSeconds, deliverSeconds), ""),
        "  (baseline: raw POSTs with the same client, \(concurrency) in flight; the worker adds claim (batch \(batch)) and report over",
        "   the bus, lease and attempt rows, HMAC signature: \(concurrency) in flight)",
    ]
}

/// `count` status changes into the applications outbox, spread over `citizens`.
private func publishStatusChanges(_ host: ServiceHost, range: Range<Int>, citizens: Int, prefix: String = "c-") async throws {
    let now = host.clock.now()
    for first in stride(from: range.lowerBound, to: range.upperBound, by: 1_000) {
        try await host.store.write { db in
            for index in first..<min(first + 1_000, range.upperBound) {
                let event = ApplicationEvents.StatusChanged(
                    tracking_number: "\(prefix)MPP-\(index)", citizen: "\(prefix)\(index % citizens)", service: "ktp-el", service_version: 1,
                    region: "32.73", agency: "disdukcapil", from: "verified", to: "processing", action: "process", actor_role: "officer",
                    actor: "officer-1", claimed_by: "officer-1", paused: false, terminal: false, note: nil, time: Timestamp.format(now))
                try Outbox.append(db, stream: "applications", type: "application.status_changed", data: event, time: now)
            }
        }
    }
}

/// Seconds for `count` POSTs with `concurrency` in flight, with the worker's HTTP client.
private func rawPosts(_ address: HTTPAddress, count: Int, concurrency: Int) async throws -> Double {
    let client = HTTPClient()
    let body = Array(#"{"id":1,"channel":"sms","to":"+6281200000000","body":"Permohonan MPP-1 kini berstatus: Diproses."}"#.utf8)
    let next = Mutexed(0)
    let start = Monotonic.nanoseconds()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                while next.update({ value -> Bool in value += 1; return value <= count }) {
                    _ = try await client.post(address, headers: [("Content-Type", "application/json")], body: body, timeout: .seconds(10))
                }
            }
        }
        try await group.waitForAll()
    }
    return seconds(since: start)
}

/// A local HTTP/1.1 receiver answering 200 to every request (keep-alive, Content-Length bodies).
private final class BenchReceiver: Sendable {
    let url: String
    private let listener: Int32
    private let running = Mutexed(true)

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard ok, listen(descriptor, 256) == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        listener = descriptor
        url = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))/gateway"
        Thread.detachNewThread { [self] in
            while running.get() {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { continue }
                Thread.detachNewThread { Self.serve(connection) }
            }
        }
    }

    func stop() {
        running.set(false)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private static func serve(_ connection: Int32) {
        defer { close(connection) }
        let reply = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8)
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 32 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            pending += chunk[0..<count]
            // Answer every complete request in the buffer.
            while let end = headerEnd(pending) {
                let head = String(decoding: pending[..<end], as: UTF8.self).lowercased()
                let length = head.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                guard pending.count >= end + 4 + length else { break }
                pending.removeFirst(end + 4 + length)
                guard reply.withUnsafeBytes({ send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == reply.count else { return }
            }
        }
    }

    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }
}
