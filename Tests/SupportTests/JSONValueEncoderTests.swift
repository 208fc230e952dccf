import Foundation
import Support
import Testing

/// `JSON.encode` writes through `JSONValueEncoder`; its bytes must be exactly what `JSONEncoder`
/// (sorted keys, unescaped slashes) writes, and what it cannot reproduce goes to `JSONEncoder`.
@Suite struct JSONValueEncoderTests {
    struct Inner: Codable, Equatable { var name: String; var tags: [String]; var score: Double? }
    enum Channel: String, Codable { case counter, online }
    enum Shape: Codable, Equatable { case dot, line(length: Int), label(String, size: Int) }
    struct Outer: Codable {
        var id: Int64
        var title: String
        var nothing: String?
        var inner: Inner
        var many: [Inner]
        var byName: [String: Int]
        var byNumber: [Int: String]
        var channel: Channel
        var shapes: [Shape]
        var extra: JSONValue
        var flags: [Bool]
        var ratio: Double
        var small: UInt8
        var empty: [String: String]
    }

    /// Encodes its own way, with nested and super encoders.
    struct Handmade: Encodable {
        enum Keys: String, CodingKey { case head, list, parent }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            var head = container.nestedContainer(keyedBy: Keys.self, forKey: .head)
            try head.encode("a/b", forKey: .parent)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode(1)
            var nested = list.nestedUnkeyedContainer()
            try nested.encode("x")
            try list.encodeNil()
            try "under super".encode(to: container.superEncoder(forKey: .parent))
        }
    }

    static func foundation<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func ours<T: Encodable>(_ value: T) throws -> String { String(decoding: try JSON.encode(value), as: UTF8.self) }

    @Test func writesWhatJSONEncoderWrites() throws {
        let value = Outer(
            id: 9_007_199_254_740_992, title: "Kantor \"Camat\" / Kec.\n\tRT 01\u{8}\u{C}\u{1} é 😀", nothing: nil,
            inner: Inner(name: "a", tags: [], score: 0.1), many: [Inner(name: "b", tags: ["x", "y"], score: nil)],
            byName: ["z": 1, "a": -2], byNumber: [10: "ten", 2: "two"], channel: .online,
            shapes: [.dot, .line(length: 3), .label("L", size: 2)], extra: ["k": [1, "two", nil, ["deep": true]]],
            flags: [true, false], ratio: -12.75, small: 255, empty: [:])
        #expect(try Self.ours(value) == Self.foundation(value))
        #expect(try Self.ours(Handmade()) == Self.foundation(Handmade()))
        #expect(try Self.ours(["list": [1.5, 2, 1e-7]]) == Self.foundation(["list": [1.5, 2, 1e-7]]))
        #expect(try Self.ours(Optional<String>.none) == Self.foundation(Optional<String>.none))
        #expect(try Self.ours("top level") == Self.foundation("top level"))
    }

    @Test func leavesWhatItCannotWriteExactlyToJSONEncoder() throws {
        struct Special: Codable { var when: Date; var blob: Data; var link: URL; var big: Int64; var tiny: Float }
        let special = Special(when: Date(timeIntervalSince1970: 1_700_000_000), blob: Data([1, 2, 3]),
                              link: URL(string: "https://mpp.go.id/a")!, big: Int64.max, tiny: 0.1)
        #expect(throws: JSONValueEncoder.Unsupported.self) { try JSONValueEncoder().encode(special) }
        #expect(try Self.ours(special) == Self.foundation(special))
        #expect(throws: JSONValueEncoder.Unsupported.self) { try JSONValueEncoder().encode([Double.nan]) }
        #expect(throws: (any Error).self) { try JSON.encode([Double.infinity]) }
    }

    @Test func trimsUnicodeWhiteSpaceLikeFoundation() {
        for text in ["", "   ", "abc", "  abc ", "\n\t abc \r\n", "\u{00A0}nbsp\u{2003}", "a b", " é ", "\u{3000}全角\u{3000}"] {
            #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.debugDescription)")
        }
    }
}
