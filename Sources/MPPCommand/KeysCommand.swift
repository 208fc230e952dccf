import Foundation
import ServiceKit

/// `mpp keys init`: CURVE key pairs for the deployment.
struct KeysCommand: Command {
    let name = "keys"
    let summary = "create CURVE key pairs (mpp keys init [NAME…])"
    let usage = "mpp keys init [--dir DIR] [NAME…]   (default names: every service, the notify worker and mpp)"
    static let defaultNames = ["registry", "identity", "catalog", "applications", "sla", "notifications", "notify-worker", "mpp"]

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        guard try arguments.required(0, "SUBCOMMAND") == "init" else { throw UsageError("the only subcommand is init") }
        let directory = arguments.option("dir") ?? context.keysDirectory
        let names = arguments.positional.count > 1 ? Array(arguments.positional.dropFirst()) : Self.defaultNames
        let written = try KeyRing.generate(directory: directory, names: names)
        let kept = names.filter { !written.contains($0) }
        context.emit(["directory": directory, "written": written.joined(separator: ","), "kept": kept.joined(separator: ",")]) {
            var lines = ["keys in \(directory)"]
            if !written.isEmpty { lines.append("  written: \(written.joined(separator: " "))") }
            if !kept.isEmpty { lines.append("  already there (kept): \(kept.joined(separator: " "))") }
            lines.append("every *.pub in the folder is allowed to connect when MPP_CURVE=on")
            return lines.joined(separator: "\n")
        }
        return 0
    }
}
