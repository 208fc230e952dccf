import Bus
import Foundation
import ServiceKit
import Support

/// `mpp events parked [--service S]` and `mpp events retry --service S (--id N… | --all)`: the
/// events consumers parked because their data broke the contract, and applying them again after
/// a fix (ops: a session with role ops, or the `mpp` key in CURVE mode). Parked events live in
/// each instance's own store, so every instance of the service is asked.
struct EventsCommand: Command {
    let name = "events"
    let summary = "events parked because their data broke the contract (ops): list them; retry them after a fix"
    let usage = "mpp events parked [--service S] [--consumer C] [--limit N] | mpp events retry --service S (--id N… | --all) [--instance I]"
        + " [--token T] [--json]"
    var switches: Set<String> { ["all"] }

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        switch try arguments.required(0, "parked|retry") {
        case "parked": try await parked(arguments, context)
        case "retry": try await retry(arguments, context)
        case let other: throw UsageError("unknown subcommand \(other): parked or retry")
        }
    }

    func parked(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let limit = try arguments.option("limit").map { text in
            guard let value = Int(text), (1...1_000).contains(value) else { throw UsageError("--limit must be 1–1000") }
            return value
        }
        let request = ParkedEventsAPI.ListRequest(consumer: arguments.option("consumer"), limit: limit)
        let calls = try await InstanceCalls(arguments, context)
        defer { calls.close() }
        let (lists, failed) = await calls.each("sys.events.parked", request, as: ParkedEventsAPI.List.self)
        context.emit(lists) {
            let rows = lists.flatMap { list in
                list.parked.map { [list.service, list.instance, String($0.id), $0.consumer, "\($0.stream)#\($0.seq)", $0.topic,
                                   String($0.parked_at.prefix(19)).replacingOccurrences(of: "T", with: " "), $0.error] }
            }
            let total = lists.reduce(0) { $0 + $1.total }
            guard !rows.isEmpty else { return "tidak ada peristiwa yang diparkir (no parked events)" }
            return formatTable([["SERVICE", "INSTANCE", "ID", "CONSUMER", "EVENT", "TOPIC", "PARKED AT (UTC)", "ERROR"]] + rows)
                + "\n\(total) diparkir (parked); after a fix: mpp events retry --service S --id N | --all"
        }
        return failed ? 1 : 0
    }

    func retry(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        guard arguments.option("service") != nil else { throw UsageError("--service S is required") }
        let ids = try arguments.all("id").flatMap { $0.split(separator: ",") }.map { text in
            guard let id = Int64(text), id > 0 else { throw UsageError("--id takes parked event ids (numbers), got \(text)") }
            return id
        }
        guard ids.isEmpty == arguments.flag("all") else { throw UsageError("give --id N (repeatable) or --all") }
        let calls = try await InstanceCalls(arguments, context)
        defer { calls.close() }
        if !ids.isEmpty && calls.instances.count > 1 {
            throw UsageError("ids are per instance and \(calls.instances.count) instances run: name one with --instance "
                             + calls.instances.map(\.instance).joined(separator: " | "))
        }
        let request = ParkedEventsAPI.RetryRequest(ids: ids.isEmpty ? nil : ids, all: ids.isEmpty ? true : nil)
        let (replies, failed) = await calls.each("sys.events.retry", request, as: ParkedEventsAPI.Retried.self, mutating: true)
        context.emit(replies) {
            replies.map { reply in
                let lines = reply.results.map { result in
                    "  \(result.id): \(result.outcome.rawValue)" + (result.error.map { " — \($0)" } ?? "")
                }
                return (["\(reply.instance): \(reply.applied) diterapkan (applied), \(reply.still_parked) masih diparkir (still parked)"]
                        + lines).joined(separator: "\n")
            }.joined(separator: "\n")
        }
        return failed || replies.contains { $0.results.contains { $0.outcome != .applied } } ? 1 : 0
    }
}

/// The instances a command talks to one by one (`--service`, `--instance`), with the caller's token.
private struct InstanceCalls: Sendable {
    let stack: ClientStack
    let instances: [RegistryAPI.Instance]
    let token: String?

    init(_ arguments: Arguments, _ context: CommandContext) async throws {
        stack = try context.clients()
        let all: [RegistryAPI.Instance]
        do {
            all = try await stack.directory.list()
        } catch {
            throw UsageError("no registry answers at \(context.registries.joined(separator: ", ")): \(error)")
        }
        let service = arguments.option("service"), instance = arguments.option("instance")
        instances = all.filter { (service == nil || $0.service == service) && (instance == nil || $0.instance == instance) }
            .sorted { ($0.service, $0.instance) < ($1.service, $1.instance) }
        guard !instances.isEmpty else { throw UsageError("no live instance of \(service ?? "any service")\(instance.map { " named \($0)" } ?? "")") }
        token = try await SessionToken.resolve(arguments, context, stack)
    }

    /// Sends `method` to every instance; the replies that came, and whether any instance failed (reported on stderr).
    func each<Body: Encodable, Reply: Decodable & Sendable>(_ method: String, _ body: Body, as: Reply.Type,
                                                            mutating: Bool = false) async -> ([Reply], Bool) {
        var replies: [Reply] = [], failed = false
        for instance in instances {
            do {
                let metadata = RequestMetadata(token: token, idempotencyKey: mutating ? UUID().uuidString : nil, traceID: ServiceClient.newTraceID())
                let outcome = try await stack.rpc.send(to: instance.rpc, method: method, metadata: metadata, body: try JSON.encode(body),
                                                       timeout: .seconds(10))
                if let error = outcome.error { throw error }
                replies.append(try JSON.decode(Reply.self, from: outcome.body))
            } catch {
                failed = true
                printError("\(instance.service) \(instance.instance): \(error)")
            }
        }
        return (replies, failed)
    }

    func close() {
        let rpc = stack.rpc
        Task { await rpc.shutdown() }
    }
}
