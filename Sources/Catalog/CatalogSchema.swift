import Store

/// The catalog's tables (`$MPP_DATA/catalog.db`). Reference data (regions, historical districts)
/// is written once by the seed; services and workflows keep every version. Time zones are not
/// stored: `IndonesianTimeZone(province:)` (Domain) is the one table.
public enum CatalogSchema {
    public static let migrations: [Migration] = [
        Migration(1, "catalog", """
            CREATE TABLE catalog_seed (
                part TEXT PRIMARY KEY, rows INTEGER NOT NULL, seeded_at TEXT NOT NULL);

            -- words: the folded name search matches (without "Kabupaten"/"Kota" for regencies).
            CREATE TABLE regions (
                code TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL, parent TEXT, depth INTEGER NOT NULL,
                words TEXT NOT NULL) WITHOUT ROWID;
            CREATE VIRTUAL TABLE regions_fts USING fts5(
                code UNINDEXED, level UNINDEXED, words, tokenize = 'unicode61 remove_diacritics 2');
            CREATE TABLE districts_historical (
                code TEXT PRIMARY KEY, name TEXT NOT NULL, last_listed INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE province_zones (
                province TEXT PRIMARY KEY, zone TEXT NOT NULL) WITHOUT ROWID;

            CREATE TABLE agencies (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, short TEXT NOT NULL, name_en TEXT,
                kind TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL);
            CREATE TABLE agency_offices (
                id TEXT PRIMARY KEY, agency TEXT NOT NULL REFERENCES agencies(id), region TEXT NOT NULL,
                name TEXT NOT NULL, UNIQUE (agency, region));
            CREATE INDEX agency_offices_region ON agency_offices(region);

            CREATE TABLE workflows (
                id TEXT PRIMARY KEY, version INTEGER NOT NULL);
            CREATE TABLE workflow_versions (
                id TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL,
                changed_by TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (id, version)) WITHOUT ROWID;

            -- The current version of each service, with the columns search filters on.
            -- channels and also_involves are ",a,b," lists for cheap containment tests.
            CREATE TABLE services (
                id TEXT PRIMARY KEY, version INTEGER NOT NULL, name TEXT NOT NULL, name_en TEXT NOT NULL,
                agency TEXT NOT NULL, also_involves TEXT NOT NULL, group_id TEXT, channels TEXT NOT NULL,
                workflow TEXT NOT NULL, fee_idr INTEGER NOT NULL, sla_value INTEGER NOT NULL, sla_unit TEXT NOT NULL,
                active INTEGER NOT NULL);
            CREATE INDEX services_workflow ON services(workflow);
            CREATE TABLE service_versions (
                id TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL,
                changed_by TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (id, version)) WITHOUT ROWID;
            -- rowid = services.rowid.
            CREATE VIRTUAL TABLE services_fts USING fts5(
                name, name_en, keywords, output, details, tokenize = 'unicode61 remove_diacritics 2');

            CREATE TABLE sites (
                id TEXT PRIMARY KEY, region TEXT NOT NULL UNIQUE, name TEXT NOT NULL, address TEXT,
                phone TEXT, inaugurated TEXT, status TEXT NOT NULL, hours TEXT NOT NULL, counters TEXT NOT NULL,
                note TEXT, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL);

            -- Explicit choices of a kab/kota; without a row a service is offered where an active site is.
            CREATE TABLE availability (
                service TEXT NOT NULL, region TEXT NOT NULL, offered INTEGER NOT NULL, site TEXT,
                fee_idr INTEGER, note TEXT, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
                PRIMARY KEY (service, region)) WITHOUT ROWID;
            """),
        Migration(2, "province time zones from Domain's one table", "DROP TABLE IF EXISTS province_zones;"),
    ]
}
