/// What an apply function throws when an event's data breaks its contract: a field missing, text
/// where the contract has a number, a value outside its domain. Retrying cannot fix that, so the
/// subscriber parks the event (`parked_events`) and goes on with the stream. A `DecodingError`
/// (decoding the data into its `Domain/Events` type failed) counts as one too; every other error
/// is taken for one a retry can fix (store busy, disk full) and retried with backoff.
public struct EventContractViolation: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) { self.description = description }

    /// Whether `error` says the event breaks its contract.
    public static func isViolation(_ error: any Error) -> Bool {
        error is EventContractViolation || error is DecodingError
    }

    /// One line for ops: the offending fields, then the decoder's own words.
    public static func reason(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        let fields = RPCError(decoding: decoding).fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        let detail: String
        switch decoding {
        case .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            detail = context.debugDescription
        @unknown default:
            detail = "\(decoding)"
        }
        return (fields + [detail]).filter { !$0.isEmpty }.joined(separator: "; ")
    }
}
