import Glibc

/// Bytes waiting to be written to one socket, in order. Small writes are coalesced into the
/// previous chunk (a head and a modest body leave in one `send`); large bodies are kept as they
/// are, never copied. Empty, it holds no memory.
struct OutputQueue {
    private var chunks: [[UInt8]] = []
    /// Bytes of `chunks[0]` already written.
    private var offset = 0
    /// Bytes still to write.
    private(set) var byteCount = 0

    /// Chunks at most this big are copied onto the end of the previous one.
    static let coalescingLimit = 64 * 1024

    enum Outcome: Equatable {
        case flushed
        case wouldBlock
        case failed(Int32)
    }

    var isEmpty: Bool { byteCount == 0 }

    mutating func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if bytes.count <= Self.coalescingLimit, let last = chunks.indices.last, chunks[last].count + bytes.count <= 2 * Self.coalescingLimit {
            chunks[last].append(contentsOf: bytes)
        } else {
            chunks.append(bytes)
        }
        byteCount += bytes.count
    }

    /// Writes until done or the socket is full; returns the outcome and the bytes written.
    mutating func write(to fd: Int32) -> (Outcome, written: Int) {
        var written = 0
        while let first = chunks.first {
            let sent = first.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                return (errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .failed(errno), written)
            }
            written += sent
            offset += sent
            byteCount -= sent
            if offset == first.count {
                chunks.removeFirst()
                offset = 0
            }
        }
        chunks = []
        return (.flushed, written)
    }

    /// Forgets what is queued (the connection is going away).
    mutating func discard() {
        chunks = []
        offset = 0
        byteCount = 0
    }
}
