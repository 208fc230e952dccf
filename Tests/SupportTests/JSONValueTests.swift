import Foundation
import Support
import Testing

private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
private func parse(_ json: String) throws -> JSONValue { try JSONParser.parse(Array(json.utf8)) }

/// A value exercising every case, escapes and non-ASCII text.
private let sample: JSONValue = [
    "null": nil,
    "flag": true,
    "off": false,
    "int": 42,
    "negative": -7,
    "fraction": 1.5,
    "small": 0.000_125,
    "big": 1e20,
    "text": "Kartu Tanda Penduduk — Dukcapil ✓ 😀",
    "escapes": "quote \" backslash \\ slash / newline \n tab \t cr \r bell \u{7} nul \u{0}",
    "empty": "",
    "list": [1, "two", [3], ["four": 4], nil, false],
    "nested": ["a": ["b": ["c": []]]],
    "emptyObject": [:],
]

@Suite struct JSONValueTests {
    @Test func literals() {
        let value: JSONValue = ["s": "x", "i": 3, "d": 2.5, "b": true, "n": nil, "a": [1, "y"]]
        #expect(value == .object([
            "s": .string("x"), "i": .number(3), "d": .number(2.5), "b": .bool(true), "n": .null,
            "a": .array([.number(1), .string("y")]),
        ]))
        let duplicate: JSONValue = ["k": 1, "k": 2]
        #expect(duplicate == ["k": 2], "the last duplicate key wins")
    }

    @Test func accessors() {
        let value: JSONValue = ["s": "x", "i": 3, "d": 2.5, "b": false, "a": [1], "o": ["k": "v"]]
        #expect(value["s"]?.stringValue == "x")
        #expect(value["i"]?.intValue == 3 && value["i"]?.doubleValue == 3)
        #expect(value["d"]?.intValue == nil && value["d"]?.doubleValue == 2.5)
        #expect(value["b"]?.boolValue == false)
        #expect(value["a"]?.arrayValue == [1])
        #expect(value["o"]?.objectValue == ["k": "v"])
        #expect(value["o"]?["k"] == "v")
        #expect(value["missing"] == nil)
        #expect(JSONValue.string("x")["k"] == nil, "subscript of a non-object is nil")
        #expect(JSONValue.number(1).stringValue == nil && JSONValue.string("1").intValue == nil)
        #expect(JSONValue.bool(true).doubleValue == nil && JSONValue.null.boolValue == nil)
        #expect(JSONValue.number(1e300).intValue == nil)
    }

    @Test func codableRoundTrip() throws {
        let encoded = try JSON.encode(sample)
        #expect(try JSON.decode(JSONValue.self, from: encoded) == sample)
    }

    @Test func writerParserRoundTrip() throws {
        let written = JSONWriter.write(sample)
        #expect(try JSONParser.parse(written) == sample)
        // The writer and JSONEncoder agree on the decoded value.
        #expect(try JSON.decode(JSONValue.self, from: written) == sample)
        #expect(try JSONParser.parse(try JSON.encode(sample)) == sample)
    }

    @Test func booleansAndNumbersStayApart() throws {
        let decoded = try JSON.decode(JSONValue.self, from: Array("[true, 1, 0, false, 1.0]".utf8))
        #expect(decoded == [.bool(true), .number(1), .number(0), .bool(false), .number(1)])
        #expect(try parse("[true, 1, 0, false]") == [true, 1, 0, false])
    }

    @Test func integralNumbersAreWrittenWithoutAFraction() throws {
        #expect(text(try JSON.encode(JSONValue.number(3))) == "3")
        #expect(text(try JSON.encode(JSONValue.number(-12))) == "-12")
        #expect(text(JSONWriter.write(.number(3))) == "3")
        #expect(text(JSONWriter.write(.number(-0.0))) == "0")
        #expect(text(JSONWriter.write(.number(1.5))) == "1.5")
        #expect(text(JSONWriter.write(.number(.nan))) == "null")
        #expect(text(JSONWriter.write(.number(.infinity))) == "null")
        #expect(try JSONParser.parse(JSONWriter.write(.number(1e20))) == .number(1e20))
        #expect(try JSONParser.parse(JSONWriter.write(.number(0.1))) == .number(0.1))
        #expect(try JSONParser.parse(JSONWriter.write(.number(8_999_999_999_999_999))) == .number(8_999_999_999_999_999))
    }

    @Test func keysAreSortedAndSlashesNotEscaped() throws {
        let value: JSONValue = ["b": 1, "a": "x/y", "c": ["z": 1, "y": 2]]
        #expect(text(try JSON.encode(value)) == #"{"a":"x/y","b":1,"c":{"y":2,"z":1}}"#)
        #expect(text(JSONWriter.write(value)) == #"{"a":"x/y","b":1,"c":{"y":2,"z":1}}"#)
        #expect(JSON.pretty(value).contains("\n"))
    }

    @Test func writerEscapes() {
        #expect(text(JSONWriter.write("a\"b\\c\nd\te\rf\u{1}g\u{1F}h")) == #""a\"b\\c\nd\te\rf\u0001g\u001fh""#)
        #expect(text(JSONWriter.write("é😀")) == "\"é😀\"", "non-ASCII is written as UTF-8")
        #expect(text(JSONWriter.write([])) == "[]")
        #expect(text(JSONWriter.write([:])) == "{}")
        #expect(text(JSONWriter.write([nil, true, false])) == "[null,true,false]")
    }

    @Test func parserAccepts() throws {
        #expect(try parse(" \n\t{ } \r\n") == [:])
        #expect(try parse("[]") == [])
        #expect(try parse("-0") == .number(0))
        #expect(try parse("1E+2") == 100)
        #expect(try parse("1e-2") == 0.01)
        #expect(try parse("-12.5e1") == -125)
        #expect(try parse(#""\u00e9""#) == "é")
        #expect(try parse(#""\ud83d\ude00""#) == "😀")
        #expect(try parse(#""\/\b\f\n\r\t\"\\""#) == "/\u{8}\u{C}\n\r\t\"\\")
        #expect(try parse(#"{"a":{"b":[1,{"c":null}]}}"#) == ["a": ["b": [1, ["c": nil]]]])
        #expect(try parse("\"raw ✓ UTF-8\"") == "raw ✓ UTF-8")
        #expect(try parse(#"{"k":1,"k":2}"#) == ["k": 2])
        let deep = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(throws: Never.self) { try parse(deep) }
    }

    @Test(arguments: [
        "", " ", "nul", "tru", "True", "NaN", "Infinity", "+1", "-", "1.", ".5", "1e", "01", "0x10",
        "[1,]", "[1 2]", "[", "]", "{", #"{"a":1,}"#, "{a:1}", #"{"a" 1}"#, #"{"a":}"#, "{'a':1}",
        "\"abc", #""\x""#, #""\u12""#, #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#,
        "\"tab\there\"", "\"nl\nhere\"", "1 2", "{} {}", "nulll",
    ])
    func parserRejects(json: String) {
        #expect(throws: JSONParser.Failure.self) { try parse(json) }
    }

    @Test func parserRejectsInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xC3, 0x22]) }
        let tooDeep = String(repeating: "[", count: 257) + String(repeating: "]", count: 257)
        #expect(throws: JSONParser.Failure.self) { try parse(tooDeep) }
        let veryDeep = String(repeating: "{\"a\":", count: 100_000)
        #expect(throws: JSONParser.Failure.self) { try parse(veryDeep) }
    }

    @Test func membersAreWalkedWithoutADictionary() throws {
        var members: [(String, JSONValue)] = []
        try JSONParser.forEachMember(of: Array(#" {"b":1, "a":{"x":[true]}, "b":"two"} "#.utf8)) { members.append(($0, $1)) }
        #expect(members.map(\.0) == ["b", "a", "b"], "in document order, repeats included")
        #expect(members.map(\.1) == [1, ["x": [true]], "two"])
        try JSONParser.forEachMember(of: Array("{}".utf8)) { _, _ in Issue.record("no members") }
        for bad in ["[]", "\"{}\"", "{", #"{"a":1} x"#, #"{"a":}"#, ""] {
            #expect(throws: JSONParser.Failure.self) { try JSONParser.forEachMember(of: Array(bad.utf8)) { _, _ in } }
        }
    }

    @Test func failureSaysWhere() {
        do {
            _ = try parse(#"{"a": tru}"#)
            Issue.record("should have failed")
        } catch let failure as JSONParser.Failure {
            #expect(failure.offset == 6)
            #expect(failure.description.contains("byte 6"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func codableStructsThroughJSONValue() throws {
        struct Claim: Codable, Equatable { var sub: String; var exp: Int; var roles: [String] }
        let claim = Claim(sub: "3201", exp: 1_767_225_600, roles: ["citizen"])
        let value = try JSON.decode(JSONValue.self, from: try JSON.encode(claim))
        #expect(value["exp"]?.intValue == 1_767_225_600)
        #expect(try JSON.decode(Claim.self, from: JSONWriter.write(value)) == claim)
    }
}
