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

/// `JSON.decode` reads through `JSONValueDecoder`; whatever it decodes must equal what
/// `JSONDecoder` decodes, and whatever it refuses goes to `JSONDecoder`, errors included.
@Suite struct JSONValueDecoderTests {
    struct Form: Codable, Equatable {
        enum Kind: String, Codable { case baru, rusak }
        enum Shape: Codable, Equatable { case dot, line(length: Int), label(String, size: Int) }
        var service: String
        var limit: Int?
        var page: UInt8
        var ratio: Double
        var kind: Kind
        var form: [String: JSONValue]?
        var tags: [String]
        var nested: [[Int]]
        var byNumber: [Int: String]
        var shapes: [Shape]
        var flag: Bool
        var missing: String?
    }

    @Test(arguments: [
        #"{"service":"ktp-el","limit":20,"page":3,"ratio":0.25,"kind":"rusak","form":{"nik":"3201","n":1,"ok":true,"x":null,"l":[1,{"a":"b"}]},"#
            + #""tags":["a","é"],"nested":[[1,2],[]],"byNumber":{"2":"two","10":"ten"},"shapes":[{"dot":{}},{"line":{"length":3}},"#
            + #"{"label":{"_0":"L","size":2}}],"flag":false,"unknown":[1,2,3]}"#,
        #"{"service":"s","limit":null,"page":0,"ratio":-1e3,"kind":"baru","tags":[],"nested":[],"byNumber":{},"shapes":[],"flag":true}"#,
    ])
    func decodesWhatJSONDecoderDecodes(json: String) throws {
        let bytes = Array(json.utf8)
        let fast = try JSONValueDecoder().decode(Form.self, from: try JSONParser.parse(bytes))
        #expect(fast == (try JSONDecoder().decode(Form.self, from: Data(bytes))))
        #expect(try JSON.decode(Form.self, from: bytes) == fast)
    }

    @Test func refusalsGoToJSONDecoderAndItsErrors() throws {
        struct Special: Codable, Equatable { var when: Date; var big: Int64; var tiny: Float }
        let special = Special(when: Date(timeIntervalSinceReferenceDate: 12.5), big: Int64.max, tiny: 0.1)
        let bytes = try JSONEncoder().encode(special)
        #expect(throws: JSONValueDecoder.Unsupported.self) { try JSONValueDecoder().decode(Special.self, from: try JSONParser.parse(Array(bytes))) }
        #expect(try JSON.decode(Special.self, from: Array(bytes)) == special)
        // Bad input: the error is JSONDecoder's, with its coding path.
        do {
            _ = try JSON.decode(Form.self, from: Array(#"{"service":5}"#.utf8))
            Issue.record("should not decode")
        } catch let DecodingError.typeMismatch(_, context) {
            #expect(context.codingPath.map(\.stringValue) == ["service"])
        }
        #expect(throws: DecodingError.self) { try JSON.decode([Int].self, from: Array("[1, 2.5]".utf8)) }
        #expect(throws: DecodingError.self) { try JSON.decode(UInt8.self, from: Array("300".utf8)) }
        #expect(try JSON.decode([Int].self, from: Array("[1, 2]".utf8)) == [1, 2])
    }
}
