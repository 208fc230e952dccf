import Bus
import Store

/// The notifications store (`$MPP_DATA/notifications.db`).
///
/// - `notifications`: one row per (event, kind, recipient, channel) — the UNIQUE constraint is
///   what makes a replayed event a no-op; inbox rows are `channel = 'inbox'`.
/// - `jobs`: the delivery queue of external channels. `state` is `pending` (queued, or leased
///   while `lease_token` is set), `delivered` or `failed` (a dead letter). `due_at` is when it
///   may be claimed: creation, the retry time, or the end of the current lease. `attempts`
///   numbers every claim ever; the retry limit counts those after `attempt_base` (set when ops
///   put a dead letter back).
/// - `attempts`: every claim of a job and how it ended — the delivery history.
/// - `templates`: every version of every template; the highest version is current.
/// - `preferences`: channels (NULL = the service default), language, addresses.
/// - `parked_events` (the bus's, every consumer has it): events whose data broke their contract,
///   set aside without stopping the stream (`mpp events parked`); migration 2 moved the old
///   `skipped_events` rows there (without the event, which a retry reads again from its publisher).
public enum NotificationsSchema {
    public static let migrations: [Migration] = [
        Migration(1, "notifications, jobs, attempts, templates, preferences", """
            CREATE TABLE notifications (
                id INTEGER PRIMARY KEY,
                event_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                recipient TEXT NOT NULL,
                channel TEXT NOT NULL,
                language TEXT NOT NULL,
                template_version INTEGER NOT NULL,
                subject TEXT,
                body TEXT NOT NULL,
                reference TEXT,
                address TEXT,
                created_at REAL NOT NULL,
                read_at REAL,
                UNIQUE (event_id, kind, recipient, channel));
            CREATE INDEX notifications_inbox ON notifications (recipient, id) WHERE channel = 'inbox';
            CREATE INDEX notifications_unread ON notifications (recipient) WHERE channel = 'inbox' AND read_at IS NULL;

            CREATE TABLE jobs (
                notification INTEGER PRIMARY KEY REFERENCES notifications (id),
                route TEXT NOT NULL,
                lane INTEGER NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                attempt_base INTEGER NOT NULL DEFAULT 0,
                due_at REAL NOT NULL,
                lease_token TEXT,
                lease_owner TEXT,
                lease_until REAL,
                last_detail TEXT,
                failure_reason TEXT,
                finished_at REAL);
            CREATE INDEX jobs_due ON jobs (route, lane, due_at) WHERE state = 'pending';
            CREATE INDEX jobs_failed ON jobs (finished_at) WHERE state = 'failed';

            CREATE TABLE attempts (
                notification INTEGER NOT NULL REFERENCES notifications (id),
                attempt INTEGER NOT NULL,
                worker TEXT NOT NULL,
                lease_token TEXT NOT NULL,
                claimed_at REAL NOT NULL,
                lease_until REAL NOT NULL,
                finished_at REAL,
                outcome TEXT,
                detail TEXT,
                PRIMARY KEY (notification, attempt));

            CREATE TABLE templates (
                kind TEXT NOT NULL,
                channel TEXT NOT NULL,
                language TEXT NOT NULL,
                version INTEGER NOT NULL,
                subject TEXT,
                body TEXT NOT NULL,
                updated_by TEXT,
                updated_at REAL NOT NULL,
                PRIMARY KEY (kind, channel, language, version));

            CREATE TABLE preferences (
                recipient TEXT PRIMARY KEY,
                channels TEXT,
                language TEXT,
                language_hint TEXT,
                phone TEXT,
                email TEXT,
                updated_at REAL NOT NULL);

            CREATE TABLE skipped_events (
                event_id TEXT PRIMARY KEY,
                topic TEXT NOT NULL,
                reason TEXT NOT NULL,
                skipped_at REAL NOT NULL);
            """),
        // Event ids are `<stream>-<seq>`: the stream is what precedes the last run of digits and its dash.
        Migration(2, "skipped_events become parked events", ParkedEvents.schema + """
            INSERT OR IGNORE INTO parked_events (consumer, stream, seq, topic, error, event, parked_at)
                SELECT 'notifications', substr(rtrim(event_id, '0123456789'), 1, length(rtrim(event_id, '0123456789')) - 1),
                       CAST(substr(event_id, length(rtrim(event_id, '0123456789')) + 1) AS INTEGER), topic, reason, NULL, skipped_at
                FROM skipped_events
                WHERE rtrim(event_id, '0123456789') LIKE '_%-' AND rtrim(event_id, '0123456789') <> event_id;
            DROP TABLE skipped_events;
            """),
    ]
}
