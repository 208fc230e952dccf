import Foundation

// mpp-bench: figures as ratios against a baseline measured in the same run.
//   swift run -c release mpp-bench [SECTION…] [--quick]   (no section: all of them)
let scratch = NSTemporaryDirectory()

/// The sections in the order they run, each with what it measures.
let sections: [(name: String, summary: String)] = [
    ("rpc", "echo over the bus (RPCServer + RPCClient) vs raw libzmq DEALER → ROUTER"),
    ("events", "outbox → publish → apply with the cursor, vs raw PUB → SUB"),
    ("sla", "clock loading, event ingestion, ticks and a report, vs a bare consumer"),
    ("catalog", "service search and region lookups over the bus, vs SQLite and sys.health"),
    ("identity", "token verification vs raw Ed25519, logins, memory under a login flood"),
    ("applications", "durable submissions from 50 clients, vs raw SQLite group commit"),
    ("notifications", "inbox entries from events and webhook deliveries, vs bare baselines"),
    ("store", "Store.write group commit vs one transaction (one fsync) per write"),
]

let usage = """
    usage: mpp-bench [SECTION…] [--quick]
           mpp-bench --help

    Runs the named sections (all of them when none is named) and prints each figure with its
    baseline measured in the same run. Build with -c release for meaningful numbers.

    sections:
    \(sections.map { "  \($0.name.padding(toLength: 15, withPad: " ", startingAt: 0))\($0.summary)" }.joined(separator: "\n"))

    options:
      --quick        fewer iterations: a smoke run, not figures to quote
      --help, -h     this text
    """

let words = Array(CommandLine.arguments.dropFirst())
if words.contains(where: { ["--help", "-h", "help"].contains($0) }) {
    print(usage)
    exit(0)
}
let names = Set(sections.map(\.name))
if let unknown = words.first(where: { $0 != "--quick" && !names.contains($0) }) {
    FileHandle.standardError.write(Data("mpp-bench: unknown word \"\(unknown)\"\n\n\(usage)\n".utf8))
    exit(2)
}
let quick = words.contains("--quick")
let selected = Set(words).subtracting(["--quick"])
let all = selected.isEmpty
func wanted(_ section: String) -> Bool { all || selected.contains(section) }

func section(_ lines: [String]) {
    print(lines.joined(separator: "\n"))
    print("")
}

print("mpp-bench — \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.operatingSystemVersionString)")
print("")
do {
    if wanted("rpc") {
        section(try await rpcBenchmark(sequentialCount: quick ? 2_000 : 10_000, pipelinedCount: quick ? 20_000 : 100_000, window: 200,
                                       rounds: quick ? 1 : 5))
    }
    if wanted("events") { section(try await eventBenchmark(directory: scratch, count: quick ? 5_000 : 50_000)) }
    if wanted("sla") { section(try await slaBenchmark(quick: quick)) }
    if wanted("catalog") { section(try await catalogBenchmark(directory: scratch, quick: quick)) }
    if wanted("identity") { section(try await identityBenchmark(directory: scratch, quick: quick)) }
    if wanted("applications") { section(try await applicationsBenchmark(directory: scratch, quick: quick)) }
    if wanted("notifications") { section(try await notificationsBenchmark(directory: scratch, quick: quick)) }
    if wanted("store") {
        section(["Store: group commit vs one transaction (one fsync) per write"] + (try await storeBenchmark(directory: scratch, writes: quick ? 500 : 2_000, concurrency: 64)))
    }
} catch {
    FileHandle.standardError.write(Data("mpp-bench: \(error)\n".utf8))
    exit(1)
}
