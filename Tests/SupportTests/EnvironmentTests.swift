import Support
import Testing

@Suite struct EnvironmentTests {
    @Test func stringsAreTrimmedAndEmptyMeansDefault() {
        let env = Environment(["NAME": "  catalog  ", "EMPTY": "", "BLANK": "   "])
        #expect(env.string("NAME", default: "x") == "catalog")
        #expect(env.string("EMPTY", default: "x") == "x")
        #expect(env.string("BLANK", default: "x") == "x")
        #expect(env.string("MISSING", default: "fallback") == "fallback")
        #expect(env.optional("NAME") == "catalog")
        #expect(env.optional("EMPTY") == nil)
        #expect(env.optional("BLANK") == nil)
        #expect(env.optional("MISSING") == nil)
    }

    @Test func processEnvironmentIsTheDefault() {
        let env = Environment()
        #expect(env.optional("PATH") != nil)
    }

    @Test func integers() throws {
        let env = Environment(["PORT": "7700", "SPACED": " 42 ", "NEG": "-3", "PLUS": "+5"])
        #expect(try env.int("PORT", default: 1) == 7700)
        #expect(try env.int("SPACED", default: 1) == 42)
        #expect(try env.int("NEG", default: 1) == -3)
        #expect(try env.int("PLUS", default: 1) == 5)
        #expect(try env.int("MISSING", default: 9) == 9)
        #expect(try env.int("PORT", default: 1, range: 1...65_535) == 7700)
        // Bounds are inclusive.
        #expect(try Environment(["N": "1"]).int("N", default: 0, range: 1...10) == 1)
        #expect(try Environment(["N": "10"]).int("N", default: 0, range: 1...10) == 10)
        // The default is returned as given, not range-checked.
        #expect(try env.int("MISSING", default: 0, range: 1...10) == 0)
    }

    @Test(arguments: ["abc", "4x", "1.5", "99999999999999999999999", "0x10", "1 2"])
    func notAnIntegerThrows(text: String) {
        let env = Environment(["MPP_WORKERS": text])
        #expect {
            _ = try env.int("MPP_WORKERS", default: 1)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.variable == "MPP_WORKERS" && error.problem.contains("whole number") && error.problem.contains(text)
        }
    }

    @Test(arguments: ["0", "11", "-1", "1000"])
    func outOfRangeThrowsNamingTheRange(text: String) {
        let env = Environment(["MPP_WORKERS": text])
        #expect {
            _ = try env.int("MPP_WORKERS", default: 1, range: 1...10)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.variable == "MPP_WORKERS" && error.problem.contains("1...10") && error.problem.contains("\"\(text)\"")
                && error.description.hasPrefix("MPP_WORKERS: ")
        }
    }

    @Test(arguments: ["1", "on", "ON", "true", "True", "yes", "YES", " on "])
    func truthy(text: String) throws {
        #expect(try Environment(["F": text]).bool("F", default: false) == true)
    }

    @Test(arguments: ["0", "off", "OFF", "false", "FALSE", "no", "No", " off "])
    func falsy(text: String) throws {
        #expect(try Environment(["F": text]).bool("F", default: true) == false)
    }

    @Test func boolDefaults() throws {
        #expect(try Environment([:]).bool("F", default: true) == true)
        #expect(try Environment([:]).bool("F", default: false) == false)
        #expect(try Environment(["F": ""]).bool("F", default: true) == true)
    }

    @Test(arguments: ["maybe", "2", "enabled", "y", "n"])
    func unknownBoolThrows(text: String) {
        #expect {
            _ = try Environment(["MPP_CURVE": text]).bool("MPP_CURVE", default: false)
        } throws: { error in
            (error as? ConfigurationError)?.variable == "MPP_CURVE"
        }
    }

    @Test func lists() {
        let env = Environment([
            "ONE": "tcp://127.0.0.1:7700",
            "MANY": "tcp://a:1, tcp://b:2 ,tcp://c:3",
            "HOLES": "a,,b, ,c,",
        ])
        #expect(env.list("ONE", default: []) == ["tcp://127.0.0.1:7700"])
        #expect(env.list("MANY", default: []) == ["tcp://a:1", "tcp://b:2", "tcp://c:3"])
        #expect(env.list("HOLES", default: []) == ["a", "b", "c"])
        #expect(env.list("MISSING", default: ["d"]) == ["d"])
        #expect(Environment(["E": ""]).list("E", default: ["d"]) == ["d"])
    }

    @Test func configurationErrorDescription() {
        let error = ConfigurationError(variable: "MPP_X", problem: "must be on or off, got \"maybe\"")
        #expect(error.description == "MPP_X: must be on or off, got \"maybe\"")
    }
}
