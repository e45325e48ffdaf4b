-- People's sign-ins: every record names the account that wrote it. Synced to
-- HQ with the argon2id hash only, so a new PC gets them back.
CREATE TABLE accounts (
	id            TEXT PRIMARY KEY,
	showroom_id   TEXT NOT NULL,            -- '' in HQ mode
	name          TEXT NOT NULL,
	employee_no   TEXT NOT NULL,
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	deleted_at    TEXT
) STRICT;
CREATE UNIQUE INDEX accounts_no ON accounts (showroom_id, employee_no) WHERE deleted_at IS NULL;

-- HQ-owned: HQ disabling (or re-enabling) a showroom's account.
CREATE TABLE account_blocks (
	id          TEXT PRIMARY KEY,           -- the account's id
	showroom_id TEXT NOT NULL,
	account_id  TEXT NOT NULL,
	blocked     INTEGER NOT NULL,
	reason      TEXT NOT NULL DEFAULT '',
	blocked_by  TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	deleted_at  TEXT
) STRICT;

-- Local only, never synced: wrong passwords in a row, for the backoff and
-- the lockout.
CREATE TABLE login_failures (
	account_id TEXT PRIMARY KEY,
	count      INTEGER NOT NULL,
	last_at    TEXT NOT NULL
) STRICT;

-- The account behind an audit row ('' for machine work and older rows).
ALTER TABLE audit ADD COLUMN actor_id TEXT NOT NULL DEFAULT '';
