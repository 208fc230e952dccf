import Foundation
import Support

/// Runs a request's handler off the I/O loop: deadline check, idempotency, errors to error
/// objects, metrics and logs.
struct Dispatcher: Sendable {
    let methods: MethodTable
    let idempotency: IdempotencyCache?
    let metrics: Metrics
    let logger: Logger
    let callerIdentity: @Sendable (RequestContext) -> String

    /// Whether the method may start on the I/O loop (cheap handler, no idempotency store to consult).
    func isInline(_ method: String) -> Bool {
        guard let entry = methods.entry(method) else { return true }
        return entry.options.inline
    }

    /// Runs on the caller's executor (`nonisolated(nonsending)`): an inline method really stays on the
    /// I/O loop until its handler awaits something else.
    nonisolated(nonsending) func dispatch(_ request: IncomingRequest) async -> Outcome {
        let context = context(for: request)
        guard let entry = methods.entry(request.method) else {
            return Outcome(error: RPCError(.unimplemented, "metode tidak dikenal: \(request.method)"))
        }
        let outcome: Outcome
        // A handler that keeps its own retries (`handlesRetries`) answers them from its store; the
        // bus neither claims nor remembers the key (a refused reuse must not take the key over).
        if let key = request.metadata.idempotencyKey, let idempotency, !entry.options.handlesRetries {
            outcome = await runOnce(entry, context, request.body, key: key, cache: idempotency)
        } else {
            outcome = await run(entry, context, request.body)
        }
        metrics.record(method: request.method, nanoseconds: Monotonic.nanoseconds() - context.receivedAt, failed: outcome.isError)
        return outcome
    }

    /// The answer of an inline method, computed right here on the I/O loop; nil when the method
    /// is not inline or the request needs the idempotency store (then `dispatch` it).
    func answerNow(_ request: IncomingRequest) -> Outcome? {
        guard let entry = methods.entry(request.method), let handler = entry.inline,
              request.metadata.idempotencyKey == nil || idempotency == nil else { return nil }
        let context = context(for: request)
        let outcome: Outcome
        if context.isPastDeadline {
            outcome = Self.pastDeadline
        } else {
            do { outcome = try handler(context, request.body) } catch { outcome = Self.outcome(of: error, context) }
        }
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
