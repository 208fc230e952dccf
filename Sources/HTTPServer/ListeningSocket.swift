import CEpoll
import Glibc

/// A non-blocking listening socket, TCP or unix, and what `accept4` gives back.
struct ListeningSocket {
    let fd: Int32
    /// The bound address (the kernel's port when 0 was asked for).
    let address: HTTPListenAddress

    /// Its epoll token: generation 0, which no connection has.
    var token: UInt64 { UInt64(UInt32(bitPattern: fd)) }

    enum Accepted {
        case connection(fd: Int32, remoteAddress: String)
        case wouldBlock
        case failed(Int32)
    }

    static func open(_ address: HTTPListenAddress, backlog: Int32, unixSocketMode: UInt32?) throws(HTTPServerError) -> ListeningSocket {
        switch address {
        case .tcp(let host, let port): try openTCP(host: host == "localhost" ? "127.0.0.1" : host, port: port, backlog: backlog)
        case .unix(let path): try openUnix(path: path, backlog: backlog, mode: unixSocketMode)
        }
    }

    private static func openTCP(host: String, port: Int, backlog: Int32) throws(HTTPServerError) -> ListeningSocket {
        var storage = sockaddr_storage()
        let length: socklen_t
        let family: Int32
        var ipv4 = in_addr(), ipv6 = in6_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            family = AF_INET
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                address.pointee.sin_family = sa_family_t(AF_INET)
                address.pointee.sin_port = in_port_t(UInt16(port).bigEndian)
                address.pointee.sin_addr = ipv4
            }
        } else if inet_pton(AF_INET6, host, &ipv6) == 1 {
            family = AF_INET6
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = in_port_t(UInt16(port).bigEndian)
                address.pointee.sin6_addr = ipv6
            }
        } else {
            throw .invalidAddress(host)
        }
        let fd = try socketDescriptor(family: family)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        try withUnsafeBytes(of: &storage) { raw throws(HTTPServerError) in
            try bindAndListen(fd, raw, length, backlog: backlog, what: HTTPListenAddress.tcp(host: host, port: port).description)
        }
        var bound = sockaddr_storage()
        var boundLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &boundLength) } }
        let boundPort = withUnsafeBytes(of: &bound) { raw -> UInt16 in
            family == AF_INET ? raw.load(as: sockaddr_in.self).sin_port : raw.load(as: sockaddr_in6.self).sin6_port
        }
        return ListeningSocket(fd: fd, address: .tcp(host: host, port: Int(UInt16(bigEndian: boundPort))))
    }

    private static func openUnix(path: String, backlog: Int32, mode: UInt32?) throws(HTTPServerError) -> ListeningSocket {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { throw .invalidAddress("unix:" + path) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        try removeStaleSocket(path: path, address: address)
        let fd = try socketDescriptor(family: AF_UNIX)
        try withUnsafeBytes(of: &address) { raw throws(HTTPServerError) in
            try bindAndListen(fd, raw, socklen_t(MemoryLayout<sockaddr_un>.size), backlog: backlog, what: "unix:" + path)
        }
        if let mode { chmod(path, mode_t(mode)) }
        return ListeningSocket(fd: fd, address: .unix(path: path))
    }

    /// A socket file nobody listens on any more (a crashed server's) is removed; a live one is not.
    private static func removeStaleSocket(path: String, address: sockaddr_un) throws(HTTPServerError) {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFSOCK else { return }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard probe >= 0 else { return }
        defer { Glibc.close(probe) }
        var address = address
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if connected == 0 { throw .addressInUse("unix:" + path) }
        unlink(path)
    }

    private static func socketDescriptor(family: Int32) throws(HTTPServerError) -> Int32 {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", errno) }
        return fd
    }

    private static func bindAndListen(_ fd: Int32, _ address: UnsafeRawBufferPointer, _ length: socklen_t, backlog: Int32,
                                      what: String) throws(HTTPServerError) {
        guard bind(fd, address.baseAddress!.assumingMemoryBound(to: sockaddr.self), length) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw code == EADDRINUSE ? .addressInUse(what) : .system("bind \(what)", code)
        }
        guard listen(fd, backlog) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw .system("listen \(what)", code)
        }
    }

    /// One `accept4`, non-blocking and close-on-exec; TCP connections get `TCP_NODELAY`.
    func accept() -> Accepted {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let connection = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                accept4(fd, $0, &length, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
            }
        }
        guard connection >= 0 else { return errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .failed(errno) }
        let family = Int32(storage.ss_family)
        guard family == AF_INET || family == AF_INET6 else { return .connection(fd: connection, remoteAddress: "") }
        var one: Int32 = 1
        setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return .connection(fd: connection, remoteAddress: Self.text(of: &storage, family: family))
    }

    private static func text(of storage: inout sockaddr_storage, family: Int32) -> String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        withUnsafeBytes(of: &storage) { raw in
            if family == AF_INET {
                var address = raw.load(as: sockaddr_in.self).sin_addr
                _ = inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
            } else {
                var address = raw.load(as: sockaddr_in6.self).sin6_addr
                _ = inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
            }
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Stops listening; a unix socket's file is removed.
    func close() {
        Glibc.close(fd)
        if case .unix(let path) = address { unlink(path) }
    }
}
