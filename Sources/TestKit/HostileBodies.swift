import Foundation
import Support

/// Request bodies an attacker or a broken client would send, for request-level fuzzing: wrong
/// types, numbers no field can hold, deep nesting, invalid UTF-8 and lone surrogates, megabyte
/// strings, unknown fields, empty and non-JSON bodies — each also spliced into the fields a
/// method really reads. Deterministic for a seed, so a failure can be replayed.
public struct HostileBodies: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    /// Field names the platform's methods read, so mutations reach past the decoder.
    public static let fields = ["page", "page_size", "limit", "q", "region", "service", "agency", "id", "tracking_number", "nik",
                                "password", "username", "name", "birth_date", "phone", "email", "form", "state", "note", "version",
                                "instance", "rpc", "ttl_ms", "after", "from", "to", "week", "scores", "channel", "template", "recipient",
                                "refresh_token", "code", "jobs", "max", "lease_ms", "outcome", "site", "documents", "unit", "value"]

    /// Values no field should accept, as JSON text.
    public static let values = [
        "1e19", "-1e19", "1e300", "-1e300", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "4611686018427387904", "18446744073709551616", "123456789012345678901234567890", "0.5", "-1", "0", "1e-400",
        "true", "null", "[]", "{}", "\"\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00x\"", "\"a\\u0000b\"",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "{\"a\":{\"a\":{\"a\":{\"a\":{}}}}",
        "\"1e19\"", "\"32.02\"", "\"../../etc/passwd\"", "\"%s%n%x\"", "\"' OR 1=1 --\"", "\"%\"", "\"*\"",
    ]

    /// The next hostile body for a method (its name is mixed in so every method gets others).
    public mutating func next() -> [UInt8] {
        switch random(14) {
        case 0: return []
        case 1: return Array("{".utf8)
        case 2: return Array(repeating: UInt8(ascii: "["), count: 1 + random(100_000))
        case 3: return [0xFF, 0xFE] + Array("{\"a\":1}".utf8)
        case 4: return Array("{\"a\":\"".utf8) + [0xC3, 0x28, 0xE2, 0x82] + Array("\"}".utf8)
        case 5: return Array("{\"\(field())\":\"\(String(repeating: "x", count: random(8) == 0 ? 1 << 20 : 1 + random(4_096)))\"}".utf8)
        case 6: return Array("{\"a\":1,}".utf8)
        case 7: return Array("\u{FEFF}{}".utf8)
        case 8: return Array("{\"\(token())\":\(value()),\"\(field())\":\(value())}".utf8)
        case 9: return Array("[\(value()),\(value())]".utf8)
        case 10: return Array(value().utf8)
        default:
            // A plausible object: several real fields, each with a hostile value, plus an unknown one.
            let members = (0..<(1 + random(5))).map { _ in "\"\(field())\":\(value())" } + ["\"\(token())\":\(value())"]
            return Array("{\(members.joined(separator: ","))}".utf8)
        }
    }

    /// Every body made from `example` by putting each of `values` at each of its members (nested
    /// objects included) and in place of the whole body.
    public static func everyMutation(of example: JSONValue) -> [[UInt8]] {
        let marker = "\u{1}hostile\u{1}"
        let quotedMarker = String(decoding: JSONWriter.write(.string(marker)), as: UTF8.self)
        var paths: [[String]] = []
        func collect(_ value: JSONValue, _ path: [String]) {
            paths.append(path)
            if case .object(let members) = value { for (key, member) in members { collect(member, path + [key]) } }
        }
        collect(example, [])
        return paths.flatMap { path -> [[UInt8]] in
            let text = String(decoding: JSONWriter.write(replacing(path[...], in: example, with: .string(marker))), as: UTF8.self)
            return values.map { Array(text.replacingOccurrences(of: quotedMarker, with: $0).utf8) }
        }
    }

    static func replacing(_ path: ArraySlice<String>, in value: JSONValue, with replacement: JSONValue) -> JSONValue {
        guard let key = path.first else { return replacement }
        guard case .object(var members) = value else { return value }
        members[key] = replacing(path.dropFirst(), in: members[key] ?? .null, with: replacement)
        return .object(members)
    }

    /// Hostile metadata strings: garbage tokens and keys, and what parses but means nothing.
    public mutating func token() -> String {
        switch random(5) {
        case 0: return "eyJ" + String(repeating: "A", count: random(400))
        case 1: return String(repeating: "k", count: 1 + random(300))
        case 2: return "x.y.z"
        case 3: return "\(random(1 << 30))-\(random(1 << 30))"
        default: return "z\(random(1 << 40))"
        }
    }

    private mutating func field() -> String { Self.fields[random(Self.fields.count)] }

    private mutating func value() -> String {
        random(3) == 0 ? "{\"\(field())\":\(Self.values[random(Self.values.count)])}" : Self.values[random(Self.values.count)]
    }

    /// xorshift64*: fast, reproducible.
    public mutating func random(_ bound: Int) -> Int {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return Int((state &* 0x2545_F491_4F6C_DD1D) % UInt64(max(1, bound)))
    }
}

/// The example request bodies of `docs/protocol.md` (the `→ {…}` block after a method's
/// heading), by the heading's first method; examples that are not JSON are left out.
public func documentedExamples(protocolDoc path: String) throws -> [String: JSONValue] {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    var examples: [String: JSONValue] = [:]
    var method: String?
    var block: [Substring] = []
    func finish() {
        if let method, !block.isEmpty, examples[method] == nil,
           let value = try? JSONParser.parse(Array(block.joined(separator: "\n").utf8)), case .object = value {
            examples[method] = value
        }
        block = []
    }
    for line in lines {
        if line.hasPrefix("### ") {
            finish()
            method = (try? documentedMethods(headings: [line]))?.first
        } else if line.hasPrefix("→ {") {
            finish()
            block = [line.dropFirst(2)]
        } else if !block.isEmpty, line.hasPrefix("   ") {
            block.append(line)
        } else {
            finish()
        }
    }
    finish()
    return examples
}

/// The methods `docs/protocol.md` documents: every backticked `service.noun[.verb]` in a `###`
/// heading, with `a.b.c|d` expanded to `a.b.c` and `a.b.d`.
public func documentedMethods(protocolDoc path: String) throws -> [String] {
    try documentedMethods(headings: try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n"))
}

func documentedMethods(headings lines: [Substring]) throws -> [String] {
    var methods: [String] = []
    for line in lines where line.hasPrefix("### ") {
        for (index, part) in line.split(separator: "`", omittingEmptySubsequences: false).enumerated() where index % 2 == 1 {
            let alternatives = part.split(separator: "|").map(String.init)
            guard let first = alternatives.first, first.contains("."),
                  first.allSatisfy({ $0.isLowercase || $0 == "." || $0 == "_" }) else { continue }
            let stem = first.split(separator: ".").dropLast().joined(separator: ".")
            methods.append(first)
            methods += alternatives.dropFirst().map { stem + "." + $0 }
        }
    }
    return methods
}
