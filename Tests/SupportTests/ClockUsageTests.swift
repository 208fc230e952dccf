import Foundation
import Testing

/// Time comes only from a `Clock` (SHAPE.md §6): a service's `host.clock`, which tests replace.
/// Reading the machine's time directly anywhere in `Sources` outside the clock itself is a bug
/// (issue 20: the SLA monitor stamped its events with `Date()` and ignored the test clock).
@Suite struct ClockUsageTests {
    /// Files allowed to read the machine's time, and why.
    static let allowed: [String: String] = [
        "Sources/Support/Clock.swift": "the system clock itself",
    ]

    /// Ways of reading the machine's time without a clock.
    static let patterns = ["Date()", "Date.now", "Date(timeIntervalSinceNow"]

    static let packageRoot: URL = {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        return root
    }()

    /// Whether `code` uses `pattern` itself, not as the tail of a longer name (`refreshDate()`).
    static func reads(_ code: String, _ pattern: String) -> Bool {
        var rest = code[...]
        while let range = rest.range(of: pattern) {
            let before = range.lowerBound == code.startIndex ? nil : code[code.index(before: range.lowerBound)]
            if !(before.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false) { return true }
            rest = rest[range.upperBound...]
        }
        return false
    }

    @Test func theCheckSeesCallsNotNames() {
        #expect(Self.reads("let now = Date()", "Date()") && Self.reads("stamp(Date())", "Date()"))
        #expect(!Self.reads("refreshDate()", "Date()") && !Self.reads("func refreshDate() {", "Date()"))
    }

    @Test func noSourceReadsTheMachineTimeOutsideTheClock() throws {
        let sources = Self.packageRoot.appendingPathComponent("Sources")
        let enumerator = try #require(FileManager.default.enumerator(atPath: sources.path))
        var offenders: [String] = []
        var scanned = 0
        for case let relative as String in enumerator where relative.hasSuffix(".swift") {
            let path = "Sources/" + relative
            scanned += 1
            guard Self.allowed[path] == nil else { continue }
            let text = try String(contentsOf: sources.appendingPathComponent(relative), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                guard !code.hasPrefix("//") else { continue }
                if Self.patterns.contains(where: { Self.reads(code, $0) }) { offenders.append("\(path):\(number + 1): \(code)") }
            }
        }
        #expect(scanned > 100, "found the sources at \(sources.path)")
        #expect(offenders.isEmpty, "time read without a clock (use host.clock.now() or an injected Clock):\n\(offenders.joined(separator: "\n"))")
    }
}
