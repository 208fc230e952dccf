import Store

/// The sla service's tables.
enum SLASchema {
    static let migrations = [
        Migration(1, "clocks", """
            CREATE TABLE clocks (
                tracking_number TEXT PRIMARY KEY, citizen TEXT NOT NULL, service TEXT NOT NULL,
                region TEXT NOT NULL, site TEXT, agency TEXT NOT NULL, claimed_by TEXT, state TEXT NOT NULL,
                submitted_at REAL NOT NULL, finished_at REAL, outcome TEXT, breached_at REAL, deadline REAL,
                paused INTEGER NOT NULL DEFAULT 0, used_seconds INTEGER NOT NULL DEFAULT 0, budget INTEGER NOT NULL,
                tracker BLOB NOT NULL, next_wake REAL);
            CREATE INDEX clocks_wake ON clocks(next_wake) WHERE next_wake IS NOT NULL;
            CREATE INDEX clocks_scope ON clocks(region, agency);
            CREATE INDEX clocks_submitted ON clocks(submitted_at);
            CREATE INDEX clocks_open_breached ON clocks(breached_at) WHERE finished_at IS NULL AND breached_at IS NOT NULL;
            """),
        Migration(2, "surveys", """
            CREATE TABLE surveys (
                tracking_number TEXT PRIMARY KEY, service TEXT NOT NULL, region TEXT NOT NULL, site TEXT,
                agency TEXT NOT NULL, scores TEXT NOT NULL, at REAL NOT NULL);
            CREATE INDEX surveys_at ON surveys(at);
            """),
        Migration(3, "calendars", """
            CREATE TABLE holidays (
                date TEXT NOT NULL, region TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL, name TEXT NOT NULL,
                PRIMARY KEY (date, region));
            CREATE TABLE region_hours (region TEXT PRIMARY KEY, opens INTEGER NOT NULL, closes INTEGER NOT NULL);
            CREATE TABLE calendar_versions (version INTEGER PRIMARY KEY, changed_at REAL NOT NULL, note TEXT NOT NULL);
            CREATE TABLE province_zones (province TEXT PRIMARY KEY, zone TEXT NOT NULL);
            """),
        Migration(4, "test clock", "CREATE TABLE test_clock (id INTEGER PRIMARY KEY CHECK (id = 1), now REAL NOT NULL);"),
        // Warning share and escalation steps per kab/kota, province or everyone ('*'), edited by ops.
        Migration(5, "escalation policies", """
            CREATE TABLE escalation_policies (
                region TEXT PRIMARY KEY, rule TEXT NOT NULL, version INTEGER NOT NULL,
                updated_by TEXT NOT NULL, updated_at TEXT NOT NULL, note TEXT NOT NULL);
            """),
        // Time zones come from `IndonesianTimeZone(province:)` (Domain), the platform's one table.
        Migration(6, "province time zones from Domain's one table", "DROP TABLE IF EXISTS province_zones;"),
    ]
}
