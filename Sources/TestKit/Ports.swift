import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A free loopback TCP port: bound to port 0 by the kernel, then released for the caller to use.
public func freePort() -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(descriptor >= 0, "socket() failed")
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
    }
    precondition(bound, "bind() to an ephemeral port failed")
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A fresh path in the temp folder, nothing created there yet (for code that must create it, or find it missing).
public func temporaryPath(_ prefix: String = "mpp-test") -> String {
    NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
}

/// A fresh temp folder.
public func temporaryFolder(_ prefix: String = "mpp-test") -> String {
    let path = temporaryPath(prefix)
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
public func eventually(timeout: Duration = .seconds(10), _ condition: @Sendable () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
