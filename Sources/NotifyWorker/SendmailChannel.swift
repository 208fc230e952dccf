import Foundation
import Notifications
import Support

/// Email through the system's `sendmail -t -i` (postfix, exim, msmtp-mta… all provide it): the
/// message is piped to its standard input. Exit 0 is delivered; the sysexits codes for
/// passing trouble (69 unavailable, 71 OS error, 74 I/O error, 75 try again) and a timeout
/// are temporary; any other status is permanent. Without a sendmail binary every job fails
/// permanently with a detail saying so.
public struct SendmailChannel: DeliveryChannel {
    public let name = "sendmail"
    /// The binary, nil when none was found.
    public let path: String?
    let from: String?
    let timeout: Duration

    public static let searchPaths = ["/usr/sbin/sendmail", "/usr/lib/sendmail", "/usr/bin/sendmail"]

    /// - Parameter path: `MPP_SENDMAIL`; default the first of `searchPaths` that exists.
    public init(path: String? = nil, from: String? = nil, timeout: Duration = .seconds(30)) {
        self.path = path ?? Self.searchPaths.first { FileManager.default.isExecutableFile(atPath: $0) }
        self.from = from
        self.timeout = timeout
    }

    public func deliver(_ job: ClaimedJob) async -> DeliveryResult {
        guard let path, FileManager.default.isExecutableFile(atPath: path) else {
            return DeliveryResult(.permanentFailure, "no sendmail binary (looked for \((path.map { [$0] } ?? Self.searchPaths).joined(separator: ", "))): "
                                  + "install an MTA that provides sendmail, or set MPP_SENDMAIL")
        }
        guard !job.to.contains(where: \.isNewline), job.to.contains("@") else {
            return DeliveryResult(.permanentFailure, "not an email address: \(job.to)")
        }
        let message = Self.message(job, from: from)
        do {
            let status = try await Self.run(path, ["-t", "-i"], input: message, timeout: timeout)
            switch status {
            case 0: return DeliveryResult(.delivered, "sendmail accepted the message")
            case 69, 71, 74, 75: return DeliveryResult(.temporaryFailure, "sendmail exited \(status)")
            default: return DeliveryResult(.permanentFailure, "sendmail exited \(status)")
            }
        } catch {
            return DeliveryResult(.temporaryFailure, "sendmail: \(error)")
        }
    }

    /// An RFC 5322 message in UTF-8 (subject encoded when not ASCII).
    public static func message(_ job: ClaimedJob, from: String?) -> [UInt8] {
        let subject = (job.subject ?? "MPP Digital").filter { !$0.isNewline }
        let encodedSubject = subject.allSatisfy(\.isASCII) ? subject : "=?UTF-8?B?" + Data(subject.utf8).base64EncodedString() + "?="
        var headers = ["To: \(job.to)", "Subject: \(encodedSubject)", "MIME-Version: 1.0",
                       "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit",
                       "X-MPP-Notification-Id: \(job.job)"]
        if let from { headers.insert("From: \(from)", at: 0) }
        return Array((headers.joined(separator: "\r\n") + "\r\n\r\n" + job.body + "\r\n").utf8)
    }

    /// Runs a program with `input` on its standard input; its exit status, or an error on timeout.
    static func run(_ path: String, _ arguments: [String], input: [UInt8], timeout: Duration) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardInput = pipe
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let finished = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { finished.continuation.yield($0.terminationStatus); finished.continuation.finish() }
        // A sendmail that exits without reading its input must not kill the worker with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        try? pipe.fileHandleForWriting.write(contentsOf: Data(input))
        try? pipe.fileHandleForWriting.close()
        let killer = Task {
            try await Task.sleep(for: timeout)
            process.terminate()
        }
        defer { killer.cancel() }
        for await status in finished.stream {
            if killer.isCancelled == false, process.terminationReason == .uncaughtSignal { throw TransportFailure.timeout("sendmail ran longer than \(timeout)") }
            return status
        }
        throw TransportFailure.connection("sendmail ended without a status")
    }
}
