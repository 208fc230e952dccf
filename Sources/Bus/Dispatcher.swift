import Foundation
import Support

/// Serves a request: answers inline methods on the I/O loop, runs the others in a task; the
/// caller's role (before the body is read), deadline check, idempotency, errors to error objects,
/// metrics and logs.
struct Dispatcher: Sendable {
    let methods: MethodTable
    let idempotency: IdempotencyCache?
    let metrics: Metrics
    let logger: Logger
    let callerIdentity: @Sendable (RequestContext) -> String

    /// How a request is served, decided with one lookup of its method.
    enum Plan {
        /// Answered right here: an inline handler (on the I/O loop, no task), or an unknown method.
        case answered(Outcome)
        /// An async handler started on the I/O loop (`MethodOptions.inline`).
        case startOnLoop(MethodTable.Entry)
        /// An async handler started on the cooperative pool.
        case startOnPool(MethodTable.Entry)
    }

    func plan(_ request: IncomingRequest) -> Plan {
        guard let entry = methods.entry(request.method) else {
            return .answered(Outcome(error: RPCError(.unimplemented, "metode tidak dikenal: \(request.method)")))
        }
        // An idempotency key with a cache to consult makes even a cheap method asynchronous.
        if let handler = entry.inline, request.metadata.idempotencyKey == nil || idempotency == nil {
            let context = context(for: request)
            let outcome: Outcome
            if context.isPastDeadline {
                outcome = Self.pastDeadline
            } else {
                do {
                    try methods.admit(entry, context)
                    outcome = try handler(context, request.body)
                } catch {
                    outcome = Self.outcome(of: error, context)
                }
            }
            return .answered(recorded(outcome, request, context))
        }
        return entry.options.inline ? .startOnLoop(entry) : .startOnPool(entry)
    }

    /// Runs on the caller's executor (`nonisolated(nonsending)`): an inline method really stays on the
    /// I/O loop until its handler awaits something else.
    nonisolated(nonsending) func dispatch(_ request: IncomingRequest, _ entry: MethodTable.Entry) async -> Outcome {
        let context = context(for: request)
        // The caller's role first: someone who may not call the method gets no idempotency record
        // and no word about its body.
        do {
            try methods.admit(entry, context)
        } catch {
            return recorded(Self.outcome(of: error, context), request, context)
        }
        let outcome: Outcome
        // A handler that keeps its own retries (`handlesRetries`) answers them from its store; the
        // bus neither claims nor remembers the key (a refused reuse must not take the key over).
        if let key = request.metadata.idempotencyKey, let idempotency, !entry.options.handlesRetries {
            outcome = await runOnce(entry, context, request.body, key: key, cache: idempotency)
        } else {
            outcome = await run(entry, context, request.body)
        }
        return recorded(outcome, request, context)
    }

    private func recorded(_ outcome: Outcome, _ request: IncomingRequest, _ context: RequestContext) -> Outcome {
        metrics.record(method: request.method, nanoseconds: Monotonic.nanoseconds() - context.receivedAt, failed: outcome.isError)
        return outcome
    }

    private func context(for request: IncomingRequest) -> RequestContext {
        RequestContext(method: request.method, metadata: request.metadata, caller: request.caller,
                       attachments: request.attachments, logger: logger.tracing(request.metadata.traceID),
                       receivedAt: Monotonic.nanoseconds(),
                       requestFingerprint: request.metadata.idempotencyKey == nil ? nil
                           : IdempotencyCache.fingerprint(method: request.method, body: request.body))
    }

    nonisolated(nonsending) private func runOnce(_ entry: MethodTable.Entry, _ context: RequestContext, _ body: [UInt8],
                         key: String, cache: IdempotencyCache) async -> Outcome {
        let caller = callerIdentity(context)
        let durable = entry.options.mutating
        do {
            switch try await cache.begin(caller: caller, key: key, method: context.method, body: body, durable: durable) {
            case .replay(let outcome):
                metrics.increment("rpc.idempotent_replays")
                return outcome
            case .conflict(let error):
                return Outcome(error: error)
            case .proceed:
                let outcome = await run(entry, context, body)
                do {
                    try await cache.finish(caller: caller, key: key, outcome: outcome, durable: durable)
                } catch {
                    // The action happened; only its memory is missing. Say so loudly: a retry after a
                    // restart could act again.
                    context.logger.error("idempotency record not saved", ["key": .string(key), "error": .string("\(error)")])
                    metrics.increment("rpc.idempotency_record_failures")
                }
                return outcome
            }
        } catch {
            context.logger.error("idempotency store failed", ["error": .string("\(error)")])
            return Outcome(error: RPCError(.unavailable, "penyimpanan sementara tidak tersedia"))
        }
    }

    nonisolated(nonsending) private func run(_ entry: MethodTable.Entry, _ context: RequestContext, _ body: [UInt8]) async -> Outcome {
        if context.isPastDeadline { return Self.pastDeadline }
        do {
            return try await entry.handler(context, body)
        } catch {
            return Self.outcome(of: error, context)
        }
    }

    private static var pastDeadline: Outcome { Outcome(error: RPCError(.deadlineExceeded, "batas waktu pemanggil sudah lewat")) }

    /// A handler's error as a reply: its own `RPCError`, or `internal` (logged, details kept out of the reply).
    private static func outcome(of error: any Error, _ context: RequestContext) -> Outcome {
        if let error = error as? RPCError { return Outcome(error: error) }
        context.logger.error("handler failed", ["method": .string(context.method), "error": .string("\(error)")])
        return Outcome(error: RPCError(.internal, "kesalahan internal"))
    }
}
