import Bus
import Foundation
import Support

/// `mpp status`: every registered instance with its health and request counts.
struct StatusCommand: Command {
    let name = "status"
    let summary = "show every registered instance with health, version, uptime and requests"
    let usage = "mpp status [--json]"

    struct Line: Encodable {
        var service: String
        var instance: String
        var rpc: String
        var events: String?
        var version: String
        var status: String
        var uptime_s: Double?
        var requests: Int?
        var errors: Int?
    }

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let stack = try context.clients()
        defer { Task { await stack.rpc.shutdown() } }
        let instances: [RegistryAPI.Instance]
        do {
            instances = try await stack.directory.list()
        } catch {
            printError("no registry answers at \(context.registries.joined(separator: ", ")): \(error)\nstart the platform with `mpp up`")
            return 1
        }
        let lines = await withTaskGroup(of: Line.self) { group in
            for instance in instances {
                group.addTask { await Self.probe(instance, stack.rpc) }
            }
            var lines: [Line] = []
            for await line in group { lines.append(line) }
            return lines.sorted { ($0.service, $0.instance) < ($1.service, $1.instance) }
        }
        context.emit(lines) { Self.table(lines) }
        return lines.allSatisfy { $0.status == "serving" } ? 0 : 1
    }

    static func probe(_ instance: RegistryAPI.Instance, _ rpc: RPCClient) async -> Line {
        var line = Line(service: instance.service, instance: instance.instance, rpc: instance.rpc, events: instance.events,
                        version: instance.version, status: "unreachable")
        if let outcome = try? await rpc.send(to: instance.rpc, method: "sys.health", body: Envelope.emptyObject, timeout: .seconds(2)),
           let health = try? JSON.decode(Health.self, from: outcome.body) {
            line.status = health.status
            line.uptime_s = health.uptime_s
            line.version = health.version
        }
        if let outcome = try? await rpc.send(to: instance.rpc, method: "sys.metrics", body: Envelope.emptyObject, timeout: .seconds(2)),
           let metrics = try? JSON.decode(MetricsSnapshot.self, from: outcome.body) {
            line.requests = metrics.methods.values.reduce(0) { $0 + $1.count }
            line.errors = metrics.methods.values.reduce(0) { $0 + $1.errors }
        }
        return line
    }

    static func table(_ lines: [Line]) -> String {
        guard !lines.isEmpty else { return "no instance registered" }
        let rows = [["SERVICE", "INSTANCE", "RPC", "VERSION", "STATUS", "UPTIME", "REQUESTS", "ERRORS"]] + lines.map {
            [$0.service, $0.instance, $0.rpc, $0.version, $0.status, $0.uptime_s.map(duration) ?? "-",
             $0.requests.map(String.init) ?? "-", $0.errors.map(String.init) ?? "-"]
        }
        return formatTable(rows)
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds)
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m\(whole % 60)s" }
        return "\(whole / 3600)h\(whole % 3600 / 60)m"
    }
}

/// Left-aligned columns separated by two spaces.
func formatTable(_ rows: [[String]]) -> String {
    let widths = rows.reduce(into: [Int]()) { widths, row in
        for (index, cell) in row.enumerated() {
            if index < widths.count { widths[index] = max(widths[index], cell.count) } else { widths.append(cell.count) }
        }
    }
    return rows.map { row in
        row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell.padding(toLength: widths[index] + 2, withPad: " ", startingAt: 0)
        }.joined()
    }.joined(separator: "\n")
}
