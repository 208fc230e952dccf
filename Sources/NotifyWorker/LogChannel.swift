import Foundation
import Notifications
import Support

/// Development channel: one JSON line per notification on the worker's standard output.
public struct LogChannel: DeliveryChannel {
    public let name = "log"
    let output: FileHandle

    public init(output: FileHandle = .standardOutput) { self.output = output }

    public func deliver(_ job: ClaimedJob) async -> DeliveryResult {
        let line: JSONValue = ["notification": .number(Double(job.job)), "to": .string(job.to), "medium": .string(job.medium),
                               "subject": job.subject.map { .string($0) } ?? .null, "body": .string(job.body),
                               "event_type": .string(job.event_type), "attempt": .number(Double(job.attempt))]
        do {
            try output.write(contentsOf: Data(JSONWriter.write(line) + [10]))
            return DeliveryResult(.delivered, "written to standard output")
        } catch {
            return DeliveryResult(.temporaryFailure, "cannot write to standard output: \(error)")
        }
    }
}
