import Bus

/// `notifications.inbox`: the caller's in-app notifications, newest first.
public struct InboxRequest: Codable, Sendable, PagedRequest {
    public var unread: Bool?
    /// 1-based.
    public var page: Int?
    /// 1–200, default 20.
    public var page_size: Int?
    public init(unread: Bool? = nil, page: Int? = nil, page_size: Int? = nil) {
        self.unread = unread
        self.page = page
        self.page_size = page_size
    }
}

public struct InboxItem: Codable, Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var subject: String?
    public var body: String
    public var reference: String?
    /// `role:…` when it was addressed to the caller's role rather than to them.
    public var recipient: String
    public var created_at: String
    public var read_at: String?
}

public struct InboxPage: Codable, Sendable {
    public var items: [InboxItem]
    public var page: Int
    public var page_size: Int
    /// Matching entries over all pages.
    public var total: Int
    public var unread: Int
}

/// `notifications.read`: marks the caller's entries read; ids that are not theirs are ignored.
public struct MarkRead: Codable, Sendable {
    public var ids: [Int64]
    public init(ids: [Int64]) { self.ids = ids }
}

public struct MarkedRead: Codable, Sendable {
    public var updated: Int
    public var unread: Int
}

public struct UnreadCount: Codable, Sendable {
    public var unread: Int
}

/// `notifications.preferences.set` (own preferences; ops may name another `recipient`).
public struct SetPreferences: Codable, Sendable {
    public var recipient: String?
    public var channels: [String]
    public var language: String?
    public var phone: String?
    public var email: String?
    public init(recipient: String? = nil, channels: [String], language: String? = nil, phone: String? = nil, email: String? = nil) {
        self.recipient = recipient
        self.channels = channels
        self.language = language
        self.phone = phone
        self.email = email
    }
}

/// `notifications.preferences.get`.
public struct GetPreferences: Codable, Sendable {
    public var recipient: String?
    public init(recipient: String? = nil) { self.recipient = recipient }
}

/// `notifications.templates.list` filters.
public struct ListTemplates: Codable, Sendable, PagedRequest {
    public var event_type: String?
    public var channel: String?
    public var language: String?
    public var page: Int?
    public var page_size: Int?
    public init(event_type: String? = nil, channel: String? = nil, language: String? = nil, page: Int? = nil, page_size: Int? = nil) {
        self.event_type = event_type
        self.channel = channel
        self.language = language
        self.page = page
        self.page_size = page_size
    }
}

/// `notifications.templates.get`: the current version, or `version`.
public struct GetTemplate: Codable, Sendable {
    public var event_type: String
    public var channel: String
    public var language: String
    public var version: Int?
    public init(event_type: String, channel: String, language: String, version: Int? = nil) {
        self.event_type = event_type
        self.channel = channel
        self.language = language
        self.version = version
    }
}

/// `notifications.templates.upsert`: saves a new version (placeholders checked first).
public struct UpsertTemplate: Codable, Sendable {
    public var event_type: String
    public var channel: String
    public var language: String
    public var subject: String?
    public var body: String
    public init(event_type: String, channel: String, language: String, subject: String?, body: String) {
        self.event_type = event_type
        self.channel = channel
        self.language = language
        self.subject = subject
        self.body = body
    }
}

public struct TemplateRecord: Codable, Sendable, Equatable {
    public var event_type: String
    public var channel: String
    public var language: String
    public var version: Int
    public var subject: String?
    public var body: String
    public var placeholders: [String]
    public var updated_by: String?
    public var updated_at: String
    /// Every version of this template (`templates.get` only).
    public var versions: [Int]?
}

public struct TemplateList: Codable, Sendable {
    public var templates: [TemplateRecord]
    public var page: Int
    public var page_size: Int
    public var total: Int
}

/// `notifications.status`.
public struct StatusRequest: Codable, Sendable {
    public var id: Int64
    public init(id: Int64) { self.id = id }
}

public struct DeliveryAttempt: Codable, Sendable, Equatable {
    public var attempt: Int
    public var worker: String
    public var claimed_at: String
    public var lease_until: String
    public var finished_at: String?
    /// `delivered`, `temporary_failure`, `permanent_failure`, `lease_expired`; nil while in progress.
    public var outcome: String?
    public var detail: String?
}

public struct NotificationStatus: Codable, Sendable {
    public var id: Int64
    public var event_id: String
    public var kind: String
    public var recipient: String
    public var channel: String
    public var language: String
    public var template_version: Int
    public var reference: String?
    /// `in_inbox`, `queued`, `leased`, `delivered`, `failed`.
    public var state: String
    public var lane: Lane?
    public var route: String?
    public var attempts: Int
    public var created_at: String
    public var read_at: String?
    public var due_at: String?
    public var finished_at: String?
    public var failure_reason: String?
    public var history: [DeliveryAttempt]
}

/// `notifications.dead_letters.list`.
public struct ListDeadLetters: Codable, Sendable, PagedRequest {
    public var page: Int?
    public var page_size: Int?
    public init(page: Int? = nil, page_size: Int? = nil) {
        self.page = page
        self.page_size = page_size
    }
}

public struct DeadLetter: Codable, Sendable, Equatable {
    public var id: Int64
    public var event_id: String
    public var kind: String
    public var recipient: String
    public var channel: String
    public var attempts: Int
    public var reason: String
    public var failed_at: String
}

public struct DeadLetters: Codable, Sendable {
    public var items: [DeadLetter]
    public var page: Int
    public var page_size: Int
    public var total: Int
}

/// `notifications.dead_letters.retry`: back to the queue with fresh attempts.
public struct RetryDeadLetters: Codable, Sendable {
    public var ids: [Int64]
    public init(ids: [Int64]) { self.ids = ids }
}

public struct Requeued: Codable, Sendable {
    public var requeued: Int
}
