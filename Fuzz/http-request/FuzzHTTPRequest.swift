// libFuzzer target for HTTPRequestParser, built from the parser's own sources (listed in
// `sources`) by `Fuzz/run.sh http-request SECONDS`.
//
// Each input is parsed three ways — all at once, one byte at a time, and in pieces whose sizes the
// input's first byte chooses — and the three must agree exactly. Every request must also keep
// the parser's promises: token method and names, origin-form target, no CR/LF/NUL in values, a
// body no longer than the limit. Any disagreement traps, and libFuzzer keeps the input.

/// Small limits, so that the fuzzer reaches every limit quickly.
private let limits = HTTPLimits(maxRequestLineBytes: 128, maxHeaderBytes: 256, maxHeaderCount: 8, maxBodyBytes: 64)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = parse(bytes, pieceSizes: [max(size, 1)])
    let byteByByte = parse(bytes, pieceSizes: [1])
    let seed = Int(bytes.first ?? 0)
    let split = parse(bytes, pieceSizes: [seed % 7 + 1, seed % 13 + 2, seed % 31 + 1])
    precondition(whole == byteByByte, "byte by byte differs:\n\(whole)\n\(byteByByte)")
    precondition(whole == split, "split differs:\n\(whole)\n\(split)")
    return 0
}

/// Feeds `bytes` in pieces of the given sizes (cycling), taking requests after each piece, and
/// renders what came out, one line per request, then the error or the state left.
private func parse(_ bytes: [UInt8], pieceSizes: [Int]) -> String {
    var parser = HTTPRequestParser(limits: limits)
    var rendered = ""
    var offset = 0, piece = 0
    repeat {
        let end = min(bytes.count, offset + pieceSizes[piece % pieceSizes.count])
        piece += 1
        parser.append(bytes[offset..<end])
        offset = end
        do {
            while let request = try parser.next() {
                check(request)
                rendered += render(request) + "\n"
            }
        } catch {
            precondition(!parser.isIdle, "a failed parser is never idle")
            return rendered + "error \(error)"
        }
    } while offset < bytes.count
    return rendered + "idle \(parser.isIdle) buffered \(parser.bufferedByteCount)"
}

private func render(_ request: HTTPRequest) -> String {
    let fields = request.headers.map { "\($0.name)=\(Array($0.value.utf8))" }.joined(separator: ",")
    return "\(request.method) \(request.target) \(request.version.text) keep-alive \(request.keepAlive) [\(fields)] body \(request.body)"
}

/// What every request the parser gives out must satisfy.
private func check(_ request: HTTPRequest) {
    let token: (UInt8) -> Bool = { byte in
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
    }
    precondition(!request.method.isEmpty && request.method.utf8.allSatisfy(token), "method")
    precondition(request.target.hasPrefix("/") && !request.target.utf8.contains { $0 <= 0x20 || $0 >= 0x7F || $0 == 0x23 }, "target")
    for field in request.headers {
        precondition(!field.name.isEmpty && field.name.utf8.allSatisfy(token), "field name")
        precondition(!field.value.utf8.contains { $0 == 0 || $0 == 10 || $0 == 13 }, "field value")
        precondition(field.value.utf8.first != 0x20 && field.value.utf8.last != 0x20, "optional whitespace kept")
    }
    precondition(request.body.count <= limits.maxBodyBytes, "body over the limit")
    precondition(request.headers.values("Content-Length").count <= 1, "two Content-Length")
    precondition(!request.headers.contains("Transfer-Encoding"), "a transfer coding got through")
    if request.version == .http1_1 { precondition(request.headers.values("Host").count == 1, "Host") }
}
