import Store

/// The applications store (`$MPP_DATA/applications.db`).
///
/// - `applications`: one row per application; `version` is bumped by every transition
///   (optimistic concurrency); `UNIQUE (citizen, idempotency_key)` makes a submission act once
///   even when the reply was lost after the commit; SLA columns come from `sla.*` events.
/// - `application_agencies`: the agencies whose officers see an application (the service's own
///   and its `also_involves`), for the officers' queues.
/// - `application_documents`: which vault document answers which requirement.
/// - `vault_documents`: each citizen's documents, content-addressed by SHA-256.
/// - `history`: every transition, hash-chained per application (`applications.audit.verify`).
/// - `service_versions`: the catalog definition each application was filed under, so its
///   workflow keeps working whatever the catalog does later.
/// - `surveys`: one SKM response per completed application.
public enum ApplicationsSchema {
    public static let migrations: [Migration] = [
        Migration(1, "applications", """
            CREATE TABLE applications (
                id INTEGER PRIMARY KEY,
                tracking_number TEXT NOT NULL UNIQUE,
                citizen TEXT NOT NULL,
                idempotency_key TEXT NOT NULL,
                service TEXT NOT NULL,
                service_version INTEGER NOT NULL,
                agency TEXT NOT NULL,
                region TEXT NOT NULL,
                site TEXT,
                state TEXT NOT NULL,
                terminal INTEGER NOT NULL DEFAULT 0,
                version INTEGER NOT NULL DEFAULT 1,
                form TEXT NOT NULL,
                claimed_by TEXT,
                claimed_at TEXT,
                output TEXT,
                language TEXT,
                due_at REAL,
                sla_paused INTEGER NOT NULL DEFAULT 0,
                warned_at TEXT,
                breached_at TEXT,
                late INTEGER NOT NULL DEFAULT 0,
                submitted_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (citizen, idempotency_key));
            CREATE INDEX applications_citizen ON applications(citizen, id);
            CREATE TABLE application_agencies (
                agency TEXT NOT NULL,
                region TEXT NOT NULL,
                application_id INTEGER NOT NULL REFERENCES applications(id),
                PRIMARY KEY (agency, region, application_id));
            CREATE TABLE application_documents (
                application_id INTEGER NOT NULL REFERENCES applications(id),
                requirement TEXT NOT NULL,
                vault_id TEXT NOT NULL,
                PRIMARY KEY (application_id, requirement));
            CREATE TABLE vault_documents (
                citizen TEXT NOT NULL,
                vault_id TEXT NOT NULL,
                type TEXT NOT NULL,
                size INTEGER NOT NULL,
                name TEXT,
                content BLOB NOT NULL,
                created_at TEXT NOT NULL,
                PRIMARY KEY (citizen, vault_id));
            CREATE TABLE history (
                application_id INTEGER NOT NULL REFERENCES applications(id),
                seq INTEGER NOT NULL,
                action TEXT NOT NULL,
                from_state TEXT NOT NULL,
                to_state TEXT NOT NULL,
                actor TEXT NOT NULL,
                actor_role TEXT NOT NULL,
                actor_agency TEXT,
                note TEXT,
                output TEXT,
                time TEXT NOT NULL,
                request_key TEXT,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL,
                PRIMARY KEY (application_id, seq));
            CREATE UNIQUE INDEX history_request ON history(application_id, actor, request_key) WHERE request_key IS NOT NULL;
            CREATE TABLE service_versions (
                service TEXT NOT NULL,
                version INTEGER NOT NULL,
                definition TEXT NOT NULL,
                PRIMARY KEY (service, version));
            CREATE TABLE surveys (
                application_id INTEGER PRIMARY KEY REFERENCES applications(id),
                scores TEXT NOT NULL,
                comment TEXT,
                request_key TEXT,
                submitted_at TEXT NOT NULL);
            """),
        // The submission's request fingerprint: `applications.submit` keeps its own retries (the
        // UNIQUE idempotency key) and tells a retry from a key reused for another request.
        Migration(2, "request fingerprint", "ALTER TABLE applications ADD COLUMN request_fingerprint TEXT;"),
    ]
}
