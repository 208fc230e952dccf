import Bus
import Foundation
import Support

/// `mpp call METHOD JSON`: any request, the reply printed.
struct CallCommand: Command {
    let name = "call"
    let summary = "send any MPP/1 request and print the reply"
    let usage = "mpp call METHOD [JSON] [--token T] [--idempotency-key K] [--timeout SECONDS] [--endpoint tcp://HOST:PORT] [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let method = try arguments.required(0, "METHOD")
        let bodyText = arguments.positional.count > 1 ? arguments.positional[1] : "{}"
        guard (try? JSON.decode(JSONValue.self, from: Array(bodyText.utf8))) != nil else {
            throw UsageError("JSON body is not valid JSON: \(bodyText)")
        }
        guard let seconds = Double(arguments.option("timeout") ?? "5"), seconds > 0 else { throw UsageError("--timeout must be a positive number") }
        let stack = try context.clients()
        // --token, MPP_TOKEN, else the session of `mpp login` (refreshed when expiring).
        let token = try await SessionToken.resolve(arguments, context, stack)
        let options = CallOptions(token: token, idempotencyKey: arguments.option("idempotency-key"),
                                  timeout: .milliseconds(Int(seconds * 1000)))
        let outcome: Outcome
        if let endpoint = arguments.option("endpoint") {
            let metadata = RequestMetadata(token: options.token, idempotencyKey: options.idempotencyKey, traceID: ServiceClient.newTraceID())
            outcome = try await stack.rpc.send(to: endpoint, method: method, metadata: metadata, body: Array(bodyText.utf8), timeout: options.timeout)
        } else {
            outcome = try await stack.client.callRaw(method, body: Array(bodyText.utf8), options: options)
        }
        let body = (try? JSON.decode(JSONValue.self, from: outcome.body)) ?? .string(String(decoding: outcome.body, as: UTF8.self))
        if outcome.isError {
            printError(context.json ? JSON.pretty(body) : "error: " + (outcome.error?.description ?? JSON.pretty(body)))
        } else {
            print(JSON.pretty(body))
        }
        if !outcome.attachments.isEmpty { printError("(\(outcome.attachments.count) attachment(s), \(outcome.attachments.map(\.count).reduce(0, +)) bytes)") }
        await stack.rpc.shutdown()
        return outcome.isError ? 1 : 0
    }
}
