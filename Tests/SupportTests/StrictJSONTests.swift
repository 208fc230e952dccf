import Foundation
import Support
import Testing

/// RFC 8259 to the letter for everything read from outside, and numbers that do not fit their
/// field reported as out of range at that field (issue 14, finding 7).
@Suite struct StrictJSONTests {
    struct Paged: Codable, Equatable { var page: Int?; var pages: [Int]?; var nested: Inner? }
    struct Inner: Codable, Equatable { var count: Int32 }

    private func decode(_ text: String) throws -> Paged { try JSON.decode(Paged.self, from: Array(text.utf8)) }

    /// The dotted path and reason of a `dataCorrupted` error.
    private func corruption(_ text: String) -> (path: String, reason: String)? {
        do {
            _ = try decode(text)
        } catch DecodingError.dataCorrupted(let context) {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return (path, context.debugDescription)
        } catch {
            return nil
        }
        return nil
    }

    @Test(arguments: [
        [0xEF, 0xBB, 0xBF] + Array(#"{"page":1}"#.utf8),
        [0xFE, 0xFF, 0x00, 0x7B, 0x00, 0x7D],
        [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00],
    ])
    func byteOrderMarksAreRefused(bytes: [UInt8]) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bytes) }
        #expect(throws: JSONParser.Failure.self) { try JSON.decode(Paged.self, from: bytes) }
    }

    @Test(arguments: [#"{"page":1,}"#, #"{"pages":[1,]}"#, "[1,]", #"{"page":1 , }"#, "[1, ]"])
    func trailingCommasAreRefused(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
        #expect(throws: JSONParser.Failure.self) { try JSON.decode(JSONValue.self, from: Array(text.utf8)) }
    }

    @Test func otherSloppinessIsRefusedToo() {
        for text in ["{'page':1}", "{page:1}", "[01]", "[1.]", "[.5]", "[+1]", "[NaN]", "[Infinity]", "{\"a\":\"tab\there\"}", "[1e400]", "// x\n{}"] {
            #expect(throws: JSONParser.Failure.self, "\(text)") { try JSON.decode(JSONValue.self, from: Array(text.utf8)) }
        }
    }

    @Test func wellFormedInputStillDecodes() throws {
        #expect(try decode(#" {"page": 2, "pages": [1, 2], "nested": {"count": 3}} "#) == Paged(page: 2, pages: [1, 2], nested: Inner(count: 3)))
        #expect(try decode(#"{"page": 9223372036854775807}"#).page == Int.max, "Int64.max is in range")
        #expect(try decode(#"{"page": -9223372036854775808}"#).page == Int.min)
        #expect(try decode(#"{"page": 4611686018427387904}"#).page == 1 << 62, "2^62 fits: ranges are the handler's business")
    }

    @Test(arguments: [
        (#"{"page": 9223372036854775808}"#, "page"),
        (#"{"page": 1e19}"#, "page"),
        (#"{"page": -1e19}"#, "page"),
        (#"{"page": 1e300}"#, "page"),
        (#"{"page": 18446744073709551616}"#, "page"),
        (#"{"pages": [1, 2, 1e20]}"#, "pages.[2]"),
        (#"{"nested": {"count": 2147483648}}"#, "nested.count"),
        (#"{"nested": {"count": -2147483649}}"#, "nested.count"),
    ])
    func wholeNumbersBeyondTheirTypeAreOutOfRangeAtTheirField(text: String, path: String) throws {
        let problem = try #require(corruption(text), "\(text) should be refused as data corrupted")
        #expect(problem.path == path)
        #expect(problem.reason == "di luar rentang (out of range)")
    }

    @Test func theFastDecoderSaysOutOfRangeToo() throws {
        let value = try JSONParser.parse(Array(#"{"nested": {"count": 1e10}}"#.utf8))
        do {
            _ = try JSONValueDecoder().decode(Paged.self, from: value)
            Issue.record("should not decode")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.codingPath.map(\.stringValue) == ["nested", "count"])
        }
    }
}
