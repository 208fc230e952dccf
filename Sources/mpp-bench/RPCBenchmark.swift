import Bus
import CZeroMQ
import Foundation
import Support
import ZMQ

/// RPC echo through the bus (RPCServer + RPCClient, each on its own I/O loop as in two
/// processes) against raw libzmq DEALER → ROUTER with the same frames, in one run. The figures
/// are measured in `rounds` alternating rounds (raw, then bus, then raw…) and each is the median
/// of its rounds, so a burst of load from elsewhere on the machine does not decide a ratio.
func rpcBenchmark(sequentialCount: Int, pipelinedCount: Int, window: Int, rounds: Int) async throws -> [String] {
    let body = Array(#"{"text":"halo dari MPP Digital","n":42}"#.utf8)
    let metadata = Array(#"{"trace_id":"bench"}"#.utf8)
    let request: [[UInt8]] = [[], Envelope.version, Array("req-00000001".utf8), Array("bench.echo".utf8), metadata, body]

    // Baseline. Client and server get a libzmq context each, as two processes would.
    let context = zmq_ctx_new()!, serverContext = zmq_ctx_new()!
    let (rawEndpoint, stopRaw) = RawBaseline.startEchoServer(context: serverContext)
    _ = RawBaseline.sequential(context: context, endpoint: rawEndpoint, count: 2_000, request: request)  // warm-up

    // The bus.
    let serverLoop = try IOLoop(name: "bench-server-io")
    let clientLoop = try IOLoop(name: "bench-client-io")
    let methods = MethodTable()
    methods.registerInline("bench.echo") { _, body in Outcome(body: body) }
    let server = RPCServer(loop: serverLoop, identity: ServiceIdentity(service: "bench", instance: "bench-1", version: "bench"),
                           methods: methods, logger: Logger(service: "bench", level: .error))
    let endpoint = try await server.start(bind: "tcp://127.0.0.1:*")
    let client = RPCClient(loop: clientLoop)
    let caller = BusCaller(client: client, endpoint: endpoint, body: body)
    let loopCaller = LoopCaller(loop: clientLoop, caller: caller)
    _ = try await caller.sequential(count: 2_000)

    var figures: [String: [Double]] = [:]
    func note(_ name: String, _ value: Double) { figures[name, default: []].append(value) }
    for _ in 0..<rounds {
        let raw = Percentiles(RawBaseline.sequential(context: context, endpoint: rawEndpoint, count: sequentialCount, request: request))
        note("raw.p50", raw.p50); note("raw.p99", raw.p99)
        note("raw.rate", Double(pipelinedCount) / RawBaseline.pipelined(context: context, endpoint: rawEndpoint, count: pipelinedCount,
                                                                         window: window, request: request))
        let bus = Percentiles(try await caller.sequential(count: sequentialCount))
        note("bus.p50", bus.p50); note("bus.p99", bus.p99)
        note("bus.pipeline", Double(pipelinedCount) / (try await caller.pipeline(count: pipelinedCount, window: window)))
        note("bus.tasks", Double(pipelinedCount) / (try await caller.concurrent(count: pipelinedCount, tasks: window)))
        let onLoop = Percentiles(try await loopCaller.sequential(count: sequentialCount))
        note("loop.p50", onLoop.p50); note("loop.p99", onLoop.p99)
        note("loop.tasks", Double(pipelinedCount) / (try await loopCaller.concurrent(count: pipelinedCount, tasks: window)))
    }
    stopRaw()
    await client.shutdown()
    await server.shutdown()
    zmq_ctx_term(context)
    zmq_ctx_term(serverContext)

    func median(_ name: String) -> Double { let values = figures[name, default: [0]].sorted(); return values[values.count / 2] }
    let rawP50 = median("raw.p50"), rawP99 = median("raw.p99"), rawRate = median("raw.rate")
    return [
        "RPC echo, \(body.count)-byte JSON body, loopback TCP, client and server on separate I/O threads and libzmq contexts",
        row("", "raw libzmq", "MPP/1 bus", "ratio (bus/raw)", "target"),
        "  like for like: the caller runs on the thread that owns the socket (raw: its own thread; bus: a task",
        "  preferring the client's I/O loop as executor, withTaskExecutorPreference), no hand-off to send or resume",
        row("sequential p50", micro(rawP50), micro(median("loop.p50")), ratio(median("loop.p50"), rawP50), "≤ 1.30×"),
        row("sequential p99", micro(rawP99), micro(median("loop.p99")), ratio(median("loop.p99"), rawP99), ""),
        row("pipelined, one caller (\(window) in flight)", rate(rawRate), rate(median("bus.pipeline")), ratio(median("bus.pipeline"), rawRate), "≥ 0.60×"),
        "  a caller on Swift's cooperative pool (any handler): one hand-off to the I/O loop and one back per call",
        row("  sequential p50", micro(rawP50), micro(median("bus.p50")), ratio(median("bus.p50"), rawP50), ""),
        row("  sequential p99", micro(rawP99), micro(median("bus.p99")), ratio(median("bus.p99"), rawP99), ""),
        row("  pipelined, \(window) concurrent tasks", rate(rawRate), rate(median("bus.tasks")), ratio(median("bus.tasks"), rawRate), ""),
        row("  … tasks on the I/O loop", rate(rawRate), rate(median("loop.tasks")), ratio(median("loop.tasks"), rawRate), ""),
        "  (median of \(rounds) alternating rounds of \(sequentialCount) sequential round trips and \(pipelinedCount) pipelined;",
        "   raw: one thread keeping \(window) in flight; one caller: RPCClient.pipeline(window: \(window));",
        "   the server answers the cheap echo inline on its I/O loop)",
    ]
}

/// A caller of the echo through the bus, from the cooperative pool.
struct BusCaller {
    let client: RPCClient
    let endpoint: String
    let body: [UInt8]
    let metadata = RequestMetadata(traceID: "bench")

    func echo() async throws {
        _ = try await client.send(to: endpoint, method: "bench.echo", metadata: metadata, body: body)
    }

    /// Latency of each of `count` round trips, one after the other.
    func sequential(count: Int) async throws -> [UInt64] {
        var latencies: [UInt64] = []
        latencies.reserveCapacity(count)
        for _ in 0..<count {
            let start = Monotonic.nanoseconds()
            try await echo()
            latencies.append(Monotonic.nanoseconds() - start)
        }
        return latencies
    }

    /// Seconds for `count` round trips through one `pipeline` call keeping `window` in flight.
    func pipeline(count: Int, window: Int) async throws -> Double {
        let batch = [PipelinedRequest](repeating: PipelinedRequest(method: "bench.echo", metadata: metadata, body: body), count: count)
        let start = Monotonic.nanoseconds()
        let results = await client.pipeline(to: endpoint, batch, window: window)
        let seconds = Double(Monotonic.nanoseconds() - start) / 1e9
        guard results.allSatisfy({ (try? $0.get())?.isError == false }) else { throw RPCError(.internal, "a pipelined echo failed") }
        return seconds
    }

    /// Seconds for `count` round trips from `tasks` concurrent tasks.
    func concurrent(count: Int, tasks: Int) async throws -> Double {
        let start = Monotonic.nanoseconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<tasks {
                group.addTask { for _ in stride(from: worker, to: count, by: tasks) { try await echo() } }
            }
            try await group.waitForAll()
        }
        return Double(Monotonic.nanoseconds() - start) / 1e9
    }
}

/// A caller living on the client's I/O loop: a task with the loop as executor preference sends
/// without a thread hop and is resumed by the reply on the same thread.
struct LoopCaller {
    let loop: IOLoop
    let caller: BusCaller

    func sequential(count: Int) async throws -> [UInt64] {
        try await withTaskExecutorPreference(loop) { try await caller.sequential(count: count) }
    }

    func concurrent(count: Int, tasks: Int) async throws -> Double {
        try await withTaskExecutorPreference(loop) { try await caller.concurrent(count: count, tasks: tasks) }
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
