import Bus
import CZeroMQ
import Foundation
import Support
import ZMQ

/// RPC echo through the bus (RPCServer + RPCClient, each on its own I/O loop as in two
/// processes) against raw libzmq DEALER → ROUTER with the same frames, in one run.
func rpcBenchmark(sequentialCount: Int, pipelinedCount: Int, window: Int) async throws -> [String] {
    let body = Array(#"{"text":"halo dari MPP Digital","n":42}"#.utf8)
    let metadata = Array(#"{"trace_id":"bench"}"#.utf8)
    let request: [[UInt8]] = [[], Envelope.version, Array("req-00000001".utf8), Array("bench.echo".utf8), metadata, body]

    // Baseline. Client and server get a libzmq context each, as two processes would.
    let context = zmq_ctx_new()!, serverContext = zmq_ctx_new()!
    let (rawEndpoint, stopRaw) = RawBaseline.startEchoServer(context: serverContext)
    _ = RawBaseline.sequential(context: context, endpoint: rawEndpoint, count: 2_000, request: request)  // warm-up
    let rawLatencies = RawBaseline.sequential(context: context, endpoint: rawEndpoint, count: sequentialCount, request: request)
    let rawSeconds = RawBaseline.pipelined(context: context, endpoint: rawEndpoint, count: pipelinedCount, window: window, request: request)
    stopRaw()

    // The bus.
    let serverLoop = try IOLoop(name: "bench-server-io")
    let clientLoop = try IOLoop(name: "bench-client-io")
    let methods = MethodTable()
    methods.registerInline("bench.echo") { _, body in Outcome(body: body) }
    let server = RPCServer(loop: serverLoop, identity: ServiceIdentity(service: "bench", instance: "bench-1", version: "bench"),
                           methods: methods, logger: Logger(service: "bench", level: .error))
    let endpoint = try await server.start(bind: "tcp://127.0.0.1:*")
    let client = RPCClient(loop: clientLoop)
    let requestMetadata = RequestMetadata(traceID: "bench")
    for _ in 0..<2_000 { _ = try await client.send(to: endpoint, method: "bench.echo", metadata: requestMetadata, body: body) }
    var busLatencies: [UInt64] = []
    busLatencies.reserveCapacity(sequentialCount)
    for _ in 0..<sequentialCount {
        let start = Monotonic.nanoseconds()
        _ = try await client.send(to: endpoint, method: "bench.echo", metadata: requestMetadata, body: body)
        busLatencies.append(Monotonic.nanoseconds() - start)
    }
    let pipelinedStart = Monotonic.nanoseconds()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<window {
            group.addTask {
                for _ in stride(from: worker, to: pipelinedCount, by: window) {
                    _ = try await client.send(to: endpoint, method: "bench.echo", metadata: requestMetadata, body: body)
                }
            }
        }
        try await group.waitForAll()
    }
    let busSeconds = Double(Monotonic.nanoseconds() - pipelinedStart) / 1e9
    let batch = [PipelinedRequest](repeating: PipelinedRequest(method: "bench.echo", metadata: requestMetadata, body: body), count: pipelinedCount)
    let pipelineStart = Monotonic.nanoseconds()
    let results = await client.pipeline(to: endpoint, batch, window: window)
    let pipelineSeconds = Double(Monotonic.nanoseconds() - pipelineStart) / 1e9
    guard results.allSatisfy({ (try? $0.get())?.isError == false }) else { throw RPCError(.internal, "a pipelined echo failed") }
    let loopCaller = LoopCaller(loop: clientLoop, client: client)
    let loopLatencies = try await loopCaller.sequential(count: sequentialCount, endpoint: endpoint, body: body)
    let loopSeconds = try await loopCaller.pipelined(count: pipelinedCount, window: window, endpoint: endpoint, body: body)
    await client.shutdown()
    await server.shutdown()
    zmq_ctx_term(context)
    zmq_ctx_term(serverContext)

    let raw = Percentiles(rawLatencies), bus = Percentiles(busLatencies), onLoop = Percentiles(loopLatencies)
    let rawRate = Double(pipelinedCount) / rawSeconds, busRate = Double(pipelinedCount) / busSeconds
    let loopRate = Double(pipelinedCount) / loopSeconds, pipelineRate = Double(pipelinedCount) / pipelineSeconds
    return [
        "RPC echo, \(body.count)-byte JSON body, loopback TCP, client and server on separate I/O threads and libzmq contexts",
        row("", "raw libzmq", "MPP/1 bus", "ratio (bus/raw)", "target"),
        row("sequential p50", micro(raw.p50), micro(bus.p50), ratio(bus.p50, raw.p50), "≤ 1.30×"),
        row("sequential p99", micro(raw.p99), micro(bus.p99), ratio(bus.p99, raw.p99), ""),
        row("pipelined, one caller (\(window) in flight)", rate(rawRate), rate(pipelineRate), ratio(pipelineRate, rawRate), "≥ 0.60×"),
        row("pipelined, \(window) concurrent tasks", rate(rawRate), rate(busRate), ratio(busRate, rawRate), ""),
        "  caller task preferring the client's I/O loop as executor (withTaskExecutorPreference): no thread hop to send or resume",
        row("  sequential p50", micro(raw.p50), micro(onLoop.p50), ratio(onLoop.p50, raw.p50), "≤ 1.30×"),
        row("  sequential p99", micro(raw.p99), micro(onLoop.p99), ratio(onLoop.p99, raw.p99), ""),
        row("  pipelined, \(window) concurrent tasks", rate(rawRate), rate(loopRate), ratio(loopRate, rawRate), ""),
        "  (\(sequentialCount) sequential round trips, \(pipelinedCount) pipelined; raw: one thread keeping \(window) in flight;",
        "   one caller: RPCClient.pipeline(window: \(window)); the server answers the cheap echo on its I/O loop)",
    ]
}

/// A caller living on the client's I/O loop: a task with the loop as executor preference sends
/// without a thread hop and is resumed by the reply on the same thread.
struct LoopCaller {
    let loop: IOLoop
    let client: RPCClient

    func sequential(count: Int, endpoint: String, body: [UInt8]) async throws -> [UInt64] {
        try await withTaskExecutorPreference(loop) {
            var latencies: [UInt64] = []
            latencies.reserveCapacity(count)
            for _ in 0..<count {
                let start = Monotonic.nanoseconds()
                _ = try await client.send(to: endpoint, method: "bench.echo", metadata: RequestMetadata(traceID: "bench"), body: body)
                latencies.append(Monotonic.nanoseconds() - start)
            }
            return latencies
        }
    }

    /// Seconds for `count` round trips with `window` tasks, every one on the loop.
    func pipelined(count: Int, window: Int, endpoint: String, body: [UInt8]) async throws -> Double {
        try await withTaskExecutorPreference(loop) {
            let start = Monotonic.nanoseconds()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<window {
                    group.addTask {
                        for _ in stride(from: worker, to: count, by: window) {
                            _ = try await client.send(to: endpoint, method: "bench.echo", metadata: RequestMetadata(traceID: "bench"), body: body)
                        }
                    }
                }
                try await group.waitForAll()
            }
            return Double(Monotonic.nanoseconds() - start) / 1e9
        }
    }
}

struct Percentiles {
    let p50: Double
    let p99: Double
    init(_ samples: [UInt64]) {
        let sorted = samples.sorted()
        p50 = Double(sorted[sorted.count / 2])
        p99 = Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))])
    }
}

func row(_ cells: String...) -> String {
    let widths = [38, 14, 14, 16, 8]
    return "| " + cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: " | ") + " |"
}

func micro(_ nanoseconds: Double) -> String { String(format: "%.1f µs", nanoseconds / 1000) }
func rate(_ perSecond: Double) -> String { String(format: "%.0f msg/s", perSecond) }
func ratio(_ a: Double, _ b: Double) -> String { String(format: "%.2f×", a / b) }
