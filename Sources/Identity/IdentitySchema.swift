import Store

/// Identity's tables in `$MPP_DATA/identity.db`.
///
/// - `accounts`: citizens (by NIK) and staff (by username), one row each, with the Argon2id
///   hash, the role and scope, the identity assurance and the failed-login count.
/// - `profiles`: what a citizen gives once and applications prefill from.
/// - `signing_keys`: Ed25519 seeds of the token keys; `retired_at` is set when a newer key takes
///   over (a retired key stays published while tokens it signed can still be alive).
/// - `token_families`: one per login; every refresh token of a login belongs to its family.
/// - `refresh_tokens`: SHA-256 of each refresh token (never the token itself); `used_at` set
///   when it was exchanged: presenting it again is reuse, and revokes the family.
/// - `access_tokens`: id and expiry of each access token issued, to announce the revocation of
///   the live ones when their family is revoked.
/// - migration 2: `accounts` gained the current window of wrong passwords (`failure_burst_*`)
///   that tells the owner of an attack once per window.
/// - `account_unlocks` (migration 3): every counter unlock of an account's login delays: who,
///   when, why, and how many failures it cleared.
public enum IdentitySchema {
    public static let migrations: [Migration] = [
        Migration(1, "accounts, profiles, keys, token families", """
            CREATE TABLE accounts (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('citizen', 'staff')),
                role TEXT NOT NULL,
                nik TEXT UNIQUE,
                username TEXT UNIQUE,
                name TEXT NOT NULL,
                birth_date TEXT,
                sex TEXT,
                agency TEXT,
                region TEXT,
                password_hash TEXT NOT NULL,
                assurance TEXT NOT NULL DEFAULT 'unverified',
                flags TEXT NOT NULL DEFAULT '[]',
                verified_at REAL,
                verified_by TEXT,
                verification_method TEXT,
                verification_note TEXT,
                status TEXT NOT NULL DEFAULT 'active',
                created_at REAL NOT NULL,
                created_by TEXT,
                failed_logins INTEGER NOT NULL DEFAULT 0,
                last_failed_at REAL);
            CREATE INDEX accounts_role ON accounts(role);

            CREATE TABLE profiles (
                account_id TEXT PRIMARY KEY REFERENCES accounts(id),
                phone TEXT,
                email TEXT,
                street TEXT,
                rt TEXT,
                rw TEXT,
                village_code TEXT,
                postal_code TEXT,
                kk_number TEXT,
                occupation TEXT,
                preferred_language TEXT NOT NULL DEFAULT 'id',
                preferred_channels TEXT NOT NULL DEFAULT '["app"]',
                updated_at REAL NOT NULL);

            CREATE TABLE signing_keys (
                id TEXT PRIMARY KEY,
                seed BLOB NOT NULL,
                created_at REAL NOT NULL,
                retired_at REAL);

            CREATE TABLE token_families (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts(id),
                created_at REAL NOT NULL,
                revoked_at REAL,
                revoked_reason TEXT);
            CREATE INDEX token_families_account ON token_families(account_id);

            CREATE TABLE refresh_tokens (
                hash TEXT PRIMARY KEY,
                family_id TEXT NOT NULL REFERENCES token_families(id),
                issued_at REAL NOT NULL,
                expires_at REAL NOT NULL,
                used_at REAL);
            CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);

            CREATE TABLE access_tokens (
                jti TEXT PRIMARY KEY,
                family_id TEXT NOT NULL REFERENCES token_families(id),
                account_id TEXT NOT NULL,
                expires_at INTEGER NOT NULL,
                revoked_at REAL);
            CREATE INDEX access_tokens_family ON access_tokens(family_id);
            CREATE INDEX access_tokens_expiry ON access_tokens(expires_at);
            """),
        Migration(2, "login delays instead of a lock: the window of wrong passwords that alerts the owner", """
            ALTER TABLE accounts ADD COLUMN failure_burst_start REAL;
            ALTER TABLE accounts ADD COLUMN failure_burst_count INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE accounts ADD COLUMN failure_burst_alerted INTEGER NOT NULL DEFAULT 0;
            """),
        Migration(3, "counter unlocks of login delays, audited", """
            CREATE TABLE account_unlocks (
                id INTEGER PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts(id),
                failures_cleared INTEGER NOT NULL,
                unlocked_by TEXT NOT NULL,
                agency TEXT,
                region TEXT,
                note TEXT NOT NULL,
                trace_id TEXT,
                unlocked_at REAL NOT NULL);
            CREATE INDEX account_unlocks_account ON account_unlocks(account_id, unlocked_at);
            """),
    ]
}
