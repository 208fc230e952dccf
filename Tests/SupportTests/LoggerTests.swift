import Foundation
import Support
import Testing

/// The captured lines of a sink, parsed as JSON objects.
private func objects(_ sink: LogSink) throws -> [[String: JSONValue]] {
    try sink.captured.map { line in
        let value = try JSONParser.parse(Array(line.utf8))
        return try #require(value.objectValue, "not an object: \(line)")
    }
}

@Suite struct LoggerTests {
    @Test func lineShape() throws {
        let sink = LogSink.memory()
        let logger = Logger(service: "catalog", instance: "catalog-1", sink: sink)
        let before = Date()
        logger.tracing("trace-abc").info("service ready", ["port": 7701])
        let lines = sink.captured
        try #require(lines.count == 1)
        #expect(!lines[0].contains("\n"), "one object per line")
        let line = try #require(try objects(sink).first)
        #expect(line["level"] == "info")
        #expect(line["service"] == "catalog")
        #expect(line["instance"] == "catalog-1")
        #expect(line["msg"] == "service ready")
        #expect(line["trace_id"] == "trace-abc")
        #expect(line["port"] == 7701)
        let ts = try #require(line["ts"]?.stringValue)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try #require(formatter.date(from: ts), "ts \(ts) is not RFC 3339 with fractions")
        #expect(abs(date.timeIntervalSince(before)) < 5)
        #expect(ts.hasSuffix("Z"), "UTC: \(ts)")
        #expect(Set(line.keys) == ["ts", "level", "service", "instance", "msg", "trace_id", "port"])
    }

    @Test func noInstanceNoTraceWhenNotGiven() throws {
        let sink = LogSink.memory()
        let logger = Logger(service: "sla", sink: sink)
        logger.info("plain")
        logger.tracing(nil).info("nil trace")
        logger.tracing("").info("empty trace")
        for line in try objects(sink) {
            #expect(line["instance"] == nil)
            #expect(line["trace_id"] == nil)
            #expect(Set(line.keys) == ["ts", "level", "service", "msg"])
        }
        #expect(sink.captured.count == 3)
    }

    @Test(arguments: ["password", "token", "secret", "Password", "ACCESS_TOKEN", "refresh_token", "client_secret",
                      "private_key", "Authorization", "new_password"])
    func secretFieldsAreRedacted(name: String) throws {
        let sink = LogSink.memory()
        let logger = Logger(service: "identity", sink: sink)
        logger.warning("login", [name: .string("hunter2-\(name)"), "nik": "3201010101010001"])
        let line = try #require(try objects(sink).first)
        #expect(line[name] == "[redacted]")
        #expect(line["nik"] == "3201010101010001")
        #expect(!sink.captured[0].contains("hunter2"))
    }

    @Test func secretsInLoggerMetadataAreRedactedToo() throws {
        let sink = LogSink.memory()
        let logger = Logger(service: "identity", metadata: ["token": "eyJhbGciOi"], sink: sink).with(["secret": "s3", "user": "ani"])
        logger.error("failed", ["password": .number(1234)])
        let line = try #require(try objects(sink).first)
        #expect(line["token"] == "[redacted]" && line["secret"] == "[redacted]" && line["password"] == "[redacted]")
        #expect(line["user"] == "ani")
        #expect(!sink.captured[0].contains("eyJhbGciOi") && !sink.captured[0].contains("s3\""))
    }

    @Test
    func nestedSecretsAreRedacted() throws {
        let sink = LogSink.memory()
        let logger = Logger(service: "identity", sink: sink)
        logger.info("register", ["body": ["nik": "3201010101010001", "password": "hunter2"]])
        let line = try #require(sink.captured.first)
        #expect(!line.contains("hunter2"))
    }

    @Test func reservedKeysCannotBeSpoofedByFields() throws {
        let sink = LogSink.memory()
        let logger = Logger(service: "applications", sink: sink)
        logger.info("real", ["level": "error", "service": "other", "msg": "fake", "ts": "yesterday"])
        let line = try #require(try objects(sink).first)
        #expect(line["level"] == "info" && line["service"] == "applications" && line["msg"] == "real")
        #expect(line["ts"] != "yesterday")
    }

    @Test func fieldsOverrideMetadataAndWithMerges() throws {
        let sink = LogSink.memory()
        let base = Logger(service: "s", metadata: ["a": 1, "b": 1], sink: sink)
        let derived = base.with(["b": 2, "c": 3])
        derived.info("x", ["c": 4])
        base.info("y")
        let lines = try objects(sink)
        try #require(lines.count == 2)
        #expect(lines[0]["a"] == 1 && lines[0]["b"] == 2 && lines[0]["c"] == 4)
        #expect(lines[1]["b"] == 1 && lines[1]["c"] == nil, "with() returns a copy")
    }

    @Test func levelFiltering() throws {
        let sink = LogSink.memory()
        var logger = Logger(service: "s", level: .warning, sink: sink)
        logger.debug("d")
        logger.info("i")
        logger.warning("w")
        logger.error("e")
        #expect(try objects(sink).map { $0["msg"] } == ["w", "e"])
        #expect(try objects(sink).map { $0["level"] } == ["warning", "error"])
        logger.level = .debug
        logger.debug("d2")
        #expect(sink.captured.count == 3)
        logger.level = .error
        logger.log(.warning, "w2")
        logger.log(.error, "e2")
        #expect(try objects(sink).map { $0["msg"] } == ["w", "e", "d2", "e2"])
    }

    @Test func filteredMessagesAreNotEvaluated() {
        let sink = LogSink.memory()
        let logger = Logger(service: "s", level: .info, sink: sink)
        let evaluated = Mutexed(0)
        func expensive() -> String { evaluated.update { $0 += 1 }; return "costly" }
        logger.debug(expensive())
        #expect(evaluated.get() == 0)
        logger.info(expensive())
        #expect(evaluated.get() == 1)
    }

    @Test func messagesWithNewlinesAndQuotesStayOneLine() throws {
        let sink = LogSink.memory()
        let logger = Logger(service: "s", sink: sink)
        logger.info("line one\nline \"two\"\ttab \u{1}")
        #expect(sink.captured.count == 1 && !sink.captured[0].contains("\n"))
        #expect(try objects(sink).first?["msg"] == "line one\nline \"two\"\ttab \u{1}")
    }

    @Test func levelNamesAndOrder() {
        #expect(LogLevel(name: "debug") == .debug && LogLevel(name: "TRACE") == .debug)
        #expect(LogLevel(name: "Info") == .info)
        #expect(LogLevel(name: "warn") == .warning && LogLevel(name: "WARNING") == .warning)
        #expect(LogLevel(name: "error") == .error)
        #expect(LogLevel(name: "fatal") == nil && LogLevel(name: "") == nil)
        #expect(LogLevel.allCases == [.debug, .info, .warning, .error])
        #expect(LogLevel.allCases.map(\.name) == ["debug", "info", "warning", "error"])
        #expect(LogLevel.debug < .info && LogLevel.info < .warning && LogLevel.warning < .error)
    }

    @Test func concurrentLoggingKeepsWholeLines() async throws {
        let sink = LogSink.memory()
        let logger = Logger(service: "s", sink: sink)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask { for index in 0..<100 { logger.info("w\(worker)-\(index)") } }
            }
        }
        let lines = try objects(sink)
        #expect(lines.count == 800)
        #expect(Set(lines.compactMap { $0["msg"]?.stringValue }).count == 800)
    }
}
