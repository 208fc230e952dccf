import Foundation

// mpp-bench: figures as ratios against a baseline measured in the same run.
//   swift run -c release mpp-bench [rpc] [events] [store] [--quick]
let words = Set(CommandLine.arguments.dropFirst())
let quick = words.contains("--quick")
let selected = words.subtracting(["--quick"])
let all = selected.isEmpty
let scratch = NSTemporaryDirectory()

func section(_ lines: [String]) {
    print(lines.joined(separator: "\n"))
    print("")
}

print("mpp-bench — \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.operatingSystemVersionString)")
print("")
do {
    if all || selected.contains("rpc") {
        section(try await rpcBenchmark(sequentialCount: quick ? 2_000 : 10_000, pipelinedCount: quick ? 20_000 : 100_000, window: 200,
                                       rounds: quick ? 1 : 5))
    }
    if all || selected.contains("events") {
        section(try await eventBenchmark(directory: scratch, count: quick ? 5_000 : 50_000))
    }
    if all || selected.contains("sla") {
        section(try await slaBenchmark(quick: quick))
    }
    if all || selected.contains("catalog") { section(try await catalogBenchmark(directory: scratch, quick: quick)) }
    if all || selected.contains("identity") { section(try await identityBenchmark(directory: scratch, quick: quick)) }
    if all || selected.contains("applications") { section(try await applicationsBenchmark(directory: scratch, quick: quick)) }
    if all || selected.contains("notifications") { section(try await notificationsBenchmark(directory: scratch, quick: quick)) }
    if all || selected.contains("store") {
        section(["Store: group commit vs one transaction (one fsync) per write"] + (try await storeBenchmark(directory: scratch, writes: quick ? 500 : 2_000, concurrency: 64)))
    }
} catch {
    FileHandle.standardError.write(Data("mpp-bench: \(error)\n".utf8))
    exit(1)
}
