/// The fast path for reading request metadata (frame 4), read on the I/O loop for every request:
/// a flat object of the four known keys with plain ASCII strings and integer deadlines, which is
/// what every MPP/1 client sends. Anything else (escapes, non-ASCII, other keys, fractions,
/// white space in odd places) returns nil and goes to the full JSON parser, which decides.
struct MetadataScanner {
    private let bytes: [UInt8]
    private var index = 0

    /// The metadata, or nil when the input is not in the simple form.
    static func scan(_ bytes: [UInt8]) -> RequestMetadata? {
        var scanner = MetadataScanner(bytes: bytes)
        return scanner.object()
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func object() -> RequestMetadata? {
        var metadata = RequestMetadata()
        guard take(UInt8(ascii: "{")) else { return nil }
        if take(UInt8(ascii: "}")) { return index == bytes.count ? metadata : nil }
        repeat {
            guard let key = plainString(), take(UInt8(ascii: ":")) else { return nil }
            switch key {
            case "token": guard let value = plainString() else { return nil }; metadata.token = value
            case "idempotency_key": guard let value = plainString() else { return nil }; metadata.idempotencyKey = value
            case "trace_id": guard let value = plainString() else { return nil }; metadata.traceID = value
            case "deadline_ms": guard let value = integer(), value <= 86_400_000 else { return nil }; metadata.deadlineMilliseconds = value
            default: return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), index == bytes.count else { return nil }
        return metadata
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// A string of printable ASCII without escapes.
    private mutating func plainString() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            guard bytes[index] >= 0x20, bytes[index] < 0x7F, bytes[index] != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// A non-negative integer of at most 9 digits, no leading zero.
    private mutating func integer() -> Int? {
        let start = index
        var value = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]), index - start < 9 {
            value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        let digits = index - start
        guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) { return nil }
        return value
    }
}
