import Bus
import Foundation
import ServiceKit
import Store
import Support

/// The in-app inbox and preferences: every authenticated caller, for themselves.
extension NotificationsService {
    func registerInbox() {
        host.methods.on("notifications.inbox", .query, roles: Role.signedIn) { [self] (request: InboxRequest, context: RequestContext) -> InboxPage in
            let addresses = Recipient.inboxAddresses(try claims(context))
            let paging = try request.paging(.inbox)
            let unreadOnly = request.unread ?? false
            return try await host.store.read { db in
                let (scope, params) = Self.inboxScope(addresses, unreadOnly: unreadOnly)
                let total = try db.queryOne("SELECT COUNT(*) AS n FROM notifications WHERE \(scope)", params)?.int("n") ?? 0
                let rows = try db.query("""
                    SELECT id, kind, subject, body, reference, recipient, created_at, read_at FROM notifications
                    WHERE \(scope) ORDER BY id DESC LIMIT ? OFFSET ?
                    """, params + paging.sqlLimitOffset)
                let items = rows.map { row in
                    InboxItem(id: row.int64("id") ?? 0, kind: row.string("kind") ?? "", subject: row.string("subject"),
                              body: row.string("body") ?? "", reference: row.string("reference"), recipient: row.string("recipient") ?? "",
                              created_at: timestamp(row.double("created_at")) ?? "", read_at: timestamp(row.double("read_at")))
                }
                return InboxPage(items: items, page: paging.page, page_size: paging.size, total: total,
                                 unread: unreadOnly ? total : try Self.unreadCount(db, addresses))
            }
        }

        host.methods.on("notifications.unread", .query, roles: Role.signedIn) { [self] (_: Empty, context: RequestContext) -> UnreadCount in
            let addresses = Recipient.inboxAddresses(try claims(context))
            return UnreadCount(unread: try await host.store.read { try Self.unreadCount($0, addresses) })
        }

        host.methods.on("notifications.read", .command, roles: Role.signedIn) { [self] (request: MarkRead, context: RequestContext) -> MarkedRead in
            let addresses = Recipient.inboxAddresses(try claims(context))
            guard request.ids.count <= 1_000 else { throw RPCError.invalid(["ids": "paling banyak 1000 (at most 1000)"]) }
            let now = now.timeIntervalSince1970
            return try await host.store.write { db in
                var updated = 0
                let (scope, params) = Self.inboxScope(addresses, unreadOnly: true)
                for id in Set(request.ids) {
                    updated += try db.run("UPDATE notifications SET read_at = ? WHERE id = ? AND \(scope)", [.real(now), .integer(id)] + params)
                }
                return MarkedRead(updated: updated, unread: try Self.unreadCount(db, addresses))
            }
        }

        host.methods.on("notifications.preferences.get", .query, roles: Role.signedIn) { [self] (request: GetPreferences, context: RequestContext) -> Preferences in
            let recipient = try preferenceOwner(request.recipient, context)
            let defaults = settings.defaultChannels
            return try await host.store.read { try Preferences.load($0, recipient: recipient, defaults: defaults) }
        }

        host.methods.on("notifications.preferences.set", .command, roles: Role.signedIn) { [self] (request: SetPreferences, context: RequestContext) -> Preferences in
            let preferences = try Self.validated(request, recipient: try preferenceOwner(request.recipient, context))
            let now = now.timeIntervalSince1970
            try await host.store.write { try preferences.save($0, now: now) }
            return preferences
        }
    }

    /// Whose preferences a call is about: the caller's own, or anyone's for ops.
    func preferenceOwner(_ requested: String?, _ context: RequestContext) throws -> String {
        let claims = try claims(context)
        guard let requested, requested != claims.sub else { return claims.sub }
        if let problem = TextCheck.nameProblem(requested, maxLength: 128) { throw RPCError.invalid(["recipient": problem]) }
        guard claims.role == .ops else {
            throw RPCError(.permissionDenied, "hanya ops yang boleh mengatur preferensi orang lain (only ops may set someone else's preferences)")
        }
        return requested
    }

    static func validated(_ request: SetPreferences, recipient: String) throws -> Preferences {
        var problems: [String: String] = [:]
        var channels: [Medium] = []
        for (index, name) in request.channels.enumerated() {
            guard let channel = Medium(rawValue: name) else {
                problems["channels[\(index)]"] = "saluran tidak dikenal (one of inbox, sms, whatsapp, email, log)"
                continue
            }
            if !channels.contains(channel) { channels.append(channel) }
        }
        let language = Language(rawValue: request.language ?? Language.fallback.rawValue)
        if language == nil { problems["language"] = "harus id atau en (must be id or en)" }
        let phone = request.phone.map { AddressRules.normalisedPhone($0) }
        if let phone, phone == nil { problems["phone"] = "nomor telepon tidak sah (e.g. +6281234567890 or 081234567890)" }
        if let email = request.email, !AddressRules.isEmail(email) { problems["email"] = "alamat email tidak sah (invalid email address)" }
        if channels.contains(where: { $0 == .sms || $0 == .whatsapp }), request.phone == nil {
            problems["phone"] = problems["phone"] ?? "wajib untuk sms/whatsapp (required for sms and whatsapp)"
        }
        if channels.contains(.email), request.email == nil {
            problems["email"] = problems["email"] ?? "wajib untuk email (required for email)"
        }
        if !problems.isEmpty { throw RPCError.invalid(problems) }
        return Preferences(recipient: recipient, channels: channels.isEmpty ? [.inbox] : channels, language: language ?? .fallback,
                           phone: phone ?? nil, email: request.email)
    }

    static func inboxScope(_ addresses: [String], unreadOnly: Bool) -> (String, [SQLValue]) {
        let marks = addresses.map { _ in "?" }.joined(separator: ", ")
        return ("channel = 'inbox' AND recipient IN (\(marks))" + (unreadOnly ? " AND read_at IS NULL" : ""), addresses.map { .text($0) })
    }

    static func unreadCount(_ db: Database, _ addresses: [String]) throws -> Int {
        let (scope, params) = inboxScope(addresses, unreadOnly: true)
        return try db.queryOne("SELECT COUNT(*) AS n FROM notifications WHERE \(scope)", params)?.int("n") ?? 0
    }
}
