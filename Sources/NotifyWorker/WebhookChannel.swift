import Foundation
import Notifications
import Sodium
import Support

/// Delivers by POSTing JSON to the gateway's URL (how SMS and WhatsApp gateways are reached).
/// Headers: `X-MPP-Notification-Id` (the receiver's deduplication key: a retried or re-leased
/// job carries the same id), `X-MPP-Attempt`, and `X-MPP-Signature: sha256=<hex>`, the
/// HMAC-SHA256 of the exact body under the shared secret.
/// 2xx is delivered; 5xx, 408, 429, timeouts and connection failures are temporary; other
/// statuses (4xx, and 3xx: redirects are not followed) are permanent.
public struct WebhookChannel: DeliveryChannel {
    public let name = "webhook"
    let address: HTTPAddress
    let secret: [UInt8]
    let timeout: Duration
    let client: HTTPClient

    public init(address: HTTPAddress, secret: String, timeout: Duration, client: HTTPClient = HTTPClient()) {
        self.address = address
        self.secret = Array(secret.utf8)
        self.timeout = timeout
        self.client = client
    }

    /// The JSON body a receiver gets.
    public struct Payload: Codable, Sendable, Equatable {
        public var id: Int64
        public var event_id: String
        public var event_type: String
        /// `sms`, `whatsapp`…: which service of the gateway.
        public var channel: String
        public var to: String
        public var recipient: String
        public var language: String
        public var subject: String?
        public var body: String
        public var reference: String?
        public var attempt: Int
        public var created_at: String
    }

    public func deliver(_ job: ClaimedJob) async -> DeliveryResult {
        let payload = Payload(id: job.job, event_id: job.event_id, event_type: job.event_type, channel: job.medium, to: job.to,
                              recipient: job.recipient, language: job.language, subject: job.subject, body: job.body,
                              reference: job.reference, attempt: job.attempt, created_at: job.created_at)
        guard let body = try? JSON.encode(payload) else { return DeliveryResult(.permanentFailure, "cannot encode the payload") }
        let headers = [("Content-Type", "application/json"), ("User-Agent", "mpp-notify-worker"),
                       ("X-MPP-Notification-Id", String(job.job)), ("X-MPP-Attempt", String(job.attempt)),
                       ("X-MPP-Signature", Self.signature(body, secret: secret))]
        do {
            let response = try await client.post(address, headers: headers, body: body, timeout: timeout)
            return Self.classify(response)
        } catch {
            return DeliveryResult(.temporaryFailure, "\(error)")
        }
    }

    /// `sha256=` + hex HMAC-SHA256 of `body`.
    public static func signature(_ body: [UInt8], secret: [UInt8]) -> String {
        "sha256=" + Hex.encode(HMACSHA256.authenticate(body, key: secret))
    }

    /// What an HTTP status means for the job.
    public static func classify(_ response: HTTPResponse) -> DeliveryResult {
        let excerpt = String(decoding: response.body.prefix(200), as: UTF8.self)
        let detail = "HTTP \(response.status)" + (excerpt.isEmpty ? "" : ": " + excerpt)
        switch response.status {
        case 200..<300: return DeliveryResult(.delivered, detail)
        case 408, 429, 500..<600: return DeliveryResult(.temporaryFailure, detail)
        default: return DeliveryResult(.permanentFailure, detail)
        }
    }
}
