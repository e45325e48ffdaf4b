-- Kaohe HQ server database.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

CREATE TABLE showrooms (
	id         TEXT PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	region     TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	revoked_at TEXT
) STRICT;

-- One-time enrollment codes and the credentials they become; only hashes.
CREATE TABLE enroll_codes (
	code_hash   TEXT PRIMARY KEY,
	kind        TEXT NOT NULL,              -- showroom or hq
	showroom_id TEXT NOT NULL DEFAULT '',
	name        TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	used_at     TEXT
) STRICT;

CREATE TABLE credentials (
	id          TEXT PRIMARY KEY,
	kind        TEXT NOT NULL,
	showroom_id TEXT NOT NULL DEFAULT '',
	name        TEXT NOT NULL DEFAULT '',
	token_hash  TEXT NOT NULL UNIQUE,
	public_key  TEXT NOT NULL DEFAULT '',  -- base64 Ed25519, checks the caller's bundles
	created_at  TEXT NOT NULL,
	revoked_at  TEXT
) STRICT;

-- Every change ever applied, in order: the pull cursor is seq.
CREATE TABLE changes (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	change_id   TEXT NOT NULL UNIQUE,
	showroom_id TEXT NOT NULL,               -- '' for reference data every showroom gets
	origin      TEXT NOT NULL,               -- showroom or hq
	entity      TEXT NOT NULL,
	row_id      TEXT NOT NULL,
	op          TEXT NOT NULL,
	payload     TEXT NOT NULL,
	at          TEXT NOT NULL,
	received_at TEXT NOT NULL,
	credential  TEXT NOT NULL
) STRICT;
CREATE INDEX changes_showroom ON changes (showroom_id, origin, seq);

-- The current state of every row, as its writer last sent it.
CREATE TABLE rows (
	entity      TEXT NOT NULL,
	row_id      TEXT NOT NULL,
	showroom_id TEXT NOT NULL,
	payload     TEXT NOT NULL,
	deleted     INTEGER NOT NULL DEFAULT 0,
	seq         INTEGER NOT NULL,
	change_id   TEXT NOT NULL,               -- the change that wrote this state
	PRIMARY KEY (entity, row_id)
) STRICT;
CREATE INDEX rows_showroom ON rows (showroom_id, entity);

-- HQ's Ed25519 keys: the newest signs; old ones still verify.
CREATE TABLE keys (
	id         TEXT PRIMARY KEY,
	public     TEXT NOT NULL,
	private    TEXT NOT NULL,
	created_at TEXT NOT NULL
) STRICT;
