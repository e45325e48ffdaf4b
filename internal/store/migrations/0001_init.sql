-- Kaohe local database, schema 1.
-- Every synced row has a globally unique id (UUIDv7), its showroom, created
-- and updated times (RFC 3339, UTC) and a tombstone (deleted_at) instead of a
-- hard delete. Facts that never change (decisions, level changes) are
-- append-only tables.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

-- Reference data owned by HQ ------------------------------------------------

CREATE TABLE showrooms (
	id         TEXT PRIMARY KEY,
	showroom_id TEXT NOT NULL,           -- itself, so every synced row has one
	code       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	region     TEXT NOT NULL DEFAULT '',
	city       TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	deleted_at TEXT
) STRICT;

CREATE TABLE levels (
	level      INTEGER PRIMARY KEY CHECK (level BETWEEN 1 AND 5),
	data       TEXT NOT NULL,            -- kaohe.LevelInfo as JSON
	enabled    INTEGER NOT NULL,
	updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE templates (
	id         TEXT NOT NULL,
	version    INTEGER NOT NULL,
	data       TEXT NOT NULL,            -- kaohe.Template as JSON
	current    INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	PRIMARY KEY (id, version)
) STRICT;

CREATE TABLE periods (
	id         TEXT PRIMARY KEY,
	kind       TEXT NOT NULL,
	name_zh    TEXT NOT NULL,
	name_en    TEXT NOT NULL,
	start_date TEXT NOT NULL,
	end_date   TEXT NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	deleted_at TEXT
) STRICT;
CREATE INDEX periods_end ON periods (end_date);

CREATE TABLE review_members (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	role       TEXT NOT NULL,            -- leader / member
	title      TEXT NOT NULL,            -- 董事长, 市场部经理 …
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	deleted_at TEXT
) STRICT;

-- Showroom-owned records ------------------------------------------------------

CREATE TABLE managers (
	id          TEXT PRIMARY KEY,
	showroom_id TEXT NOT NULL,
	employee_no TEXT NOT NULL,
	name        TEXT NOT NULL,
	gender      TEXT NOT NULL DEFAULT '',
	phone       TEXT NOT NULL DEFAULT '',
	education   INTEGER NOT NULL,
	hire_date   TEXT,
	status      TEXT NOT NULL,
	left_on     TEXT,
	note        TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	deleted_at  TEXT
) STRICT;
CREATE UNIQUE INDEX managers_no ON managers (showroom_id, employee_no) WHERE deleted_at IS NULL;
CREATE INDEX managers_name ON managers (name);

-- Append-only: the current level is the latest event's to_level.
CREATE TABLE level_changes (
	id             TEXT PRIMARY KEY,
	showroom_id    TEXT NOT NULL,
	manager_id     TEXT NOT NULL REFERENCES managers (id),
	from_level     INTEGER NOT NULL,
	to_level       INTEGER NOT NULL CHECK (to_level BETWEEN 1 AND 5),
	date           TEXT NOT NULL,
	reason         TEXT NOT NULL,
	decided_by     TEXT NOT NULL,
	application_id TEXT NOT NULL DEFAULT '',
	created_at     TEXT NOT NULL
) STRICT;
CREATE INDEX level_changes_manager ON level_changes (manager_id, date);

CREATE TABLE targets (
	id          TEXT PRIMARY KEY,
	showroom_id TEXT NOT NULL,
	manager_id  TEXT NOT NULL REFERENCES managers (id),
	metric      TEXT NOT NULL,
	year        INTEGER NOT NULL,
	annual      INTEGER NOT NULL,
	weights     TEXT NOT NULL DEFAULT '', -- JSON [12]float64, '' for even
	months      TEXT NOT NULL,            -- JSON kaohe.Months
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	deleted_at  TEXT
) STRICT;
CREATE UNIQUE INDEX targets_key ON targets (manager_id, metric, year) WHERE deleted_at IS NULL;

CREATE TABLE actuals (
	id          TEXT PRIMARY KEY,
	showroom_id TEXT NOT NULL,
	manager_id  TEXT NOT NULL REFERENCES managers (id),
	metric      TEXT NOT NULL,
	year        INTEGER NOT NULL,
	month       INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
	value       INTEGER NOT NULL,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	deleted_at  TEXT
) STRICT;
CREATE UNIQUE INDEX actuals_key ON actuals (manager_id, metric, year, month) WHERE deleted_at IS NULL;

CREATE TABLE assessments (
	id               TEXT PRIMARY KEY,
	showroom_id      TEXT NOT NULL,
	manager_id       TEXT NOT NULL REFERENCES managers (id),
	period_id        TEXT NOT NULL,
	template_id      TEXT NOT NULL,
	template_version INTEGER NOT NULL,
	scores           TEXT NOT NULL,       -- JSON kaohe.Scores
	total            REAL NOT NULL,
	grade            TEXT NOT NULL,
	coefficient      REAL NOT NULL,
	comment          TEXT NOT NULL DEFAULT '',
	assessor         TEXT NOT NULL DEFAULT '',
	status           TEXT NOT NULL,
	submitted_on     TEXT,
	created_at       TEXT NOT NULL,
	updated_at       TEXT NOT NULL,
	deleted_at       TEXT
) STRICT;
CREATE UNIQUE INDEX assessments_key ON assessments (manager_id, period_id) WHERE deleted_at IS NULL;
CREATE INDEX assessments_period ON assessments (period_id);

CREATE TABLE trainings (
	id          TEXT PRIMARY KEY,
	showroom_id TEXT NOT NULL,
	title       TEXT NOT NULL,
	category    TEXT NOT NULL,
	method      TEXT NOT NULL,
	date        TEXT NOT NULL,
	hours       REAL NOT NULL,
	trainer     TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	deleted_at  TEXT
) STRICT;
CREATE INDEX trainings_date ON trainings (date);

CREATE TABLE attendance (
	id          TEXT PRIMARY KEY,
	showroom_id TEXT NOT NULL,
	training_id TEXT NOT NULL REFERENCES trainings (id),
	manager_id  TEXT NOT NULL REFERENCES managers (id),
	result      TEXT NOT NULL,
	score       REAL,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	deleted_at  TEXT
) STRICT;
CREATE UNIQUE INDEX attendance_key ON attendance (training_id, manager_id) WHERE deleted_at IS NULL;
CREATE INDEX attendance_manager ON attendance (manager_id);

CREATE TABLE rewards (
	id          TEXT PRIMARY KEY,
	showroom_id TEXT NOT NULL,
	manager_id  TEXT NOT NULL REFERENCES managers (id),
	type        TEXT NOT NULL,
	substantive INTEGER NOT NULL,
	amount      INTEGER NOT NULL,
	reason      TEXT NOT NULL,
	date        TEXT NOT NULL,
	decided_by  TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	deleted_at  TEXT
) STRICT;
CREATE INDEX rewards_manager ON rewards (manager_id, date);

CREATE TABLE applications (
	id               TEXT PRIMARY KEY,
	showroom_id      TEXT NOT NULL,
	manager_id       TEXT NOT NULL REFERENCES managers (id),
	target_level     INTEGER NOT NULL,
	personal_info    TEXT NOT NULL DEFAULT '',
	achievements     TEXT NOT NULL DEFAULT '',
	report           TEXT NOT NULL DEFAULT '',
	education        INTEGER NOT NULL,
	exemption        INTEGER NOT NULL DEFAULT 0, -- 1 when an exemption is requested
	exemption_reason TEXT NOT NULL DEFAULT '',
	created_at       TEXT NOT NULL,
	updated_at       TEXT NOT NULL,
	deleted_at       TEXT
) STRICT;
CREATE INDEX applications_manager ON applications (manager_id);

-- Append-only review events. submit/withdraw rows belong to the showroom,
-- review stages to HQ: one writer per row.
CREATE TABLE decisions (
	id             TEXT PRIMARY KEY,
	showroom_id    TEXT NOT NULL,
	application_id TEXT NOT NULL REFERENCES applications (id),
	seq            INTEGER NOT NULL,     -- position in the application's history
	stage          TEXT NOT NULL,
	pass           INTEGER NOT NULL,
	date           TEXT NOT NULL,
	decided_by     TEXT NOT NULL,        -- JSON []string
	comment        TEXT NOT NULL DEFAULT '',
	exam_score     REAL,
	created_at     TEXT NOT NULL,
	UNIQUE (application_id, seq)
) STRICT;

-- HQ-owned decision on an education exemption request.
CREATE TABLE exemptions (
	id             TEXT PRIMARY KEY,
	showroom_id    TEXT NOT NULL,
	application_id TEXT NOT NULL UNIQUE REFERENCES applications (id),
	approved       INTEGER NOT NULL,
	date           TEXT NOT NULL,
	decided_by     TEXT NOT NULL,
	comment        TEXT NOT NULL DEFAULT '',
	created_at     TEXT NOT NULL
) STRICT;

-- HQ-owned filing (备案) of a submitted level-1 assessment.
CREATE TABLE filings (
	id            TEXT PRIMARY KEY,
	showroom_id   TEXT NOT NULL,
	assessment_id TEXT NOT NULL UNIQUE REFERENCES assessments (id),
	date          TEXT NOT NULL,
	filed_by      TEXT NOT NULL,
	created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE certificates (
	id             TEXT PRIMARY KEY,
	showroom_id    TEXT NOT NULL,
	manager_id     TEXT NOT NULL REFERENCES managers (id),
	application_id TEXT NOT NULL DEFAULT '',
	serial         TEXT NOT NULL UNIQUE,
	level          INTEGER NOT NULL,
	holder_name    TEXT NOT NULL,
	showroom_name  TEXT NOT NULL,
	granted_on     TEXT NOT NULL,
	issuer         TEXT NOT NULL,
	verify_code    TEXT NOT NULL,
	key_id         TEXT NOT NULL DEFAULT '',
	signature      TEXT NOT NULL DEFAULT '',
	revoked        INTEGER NOT NULL DEFAULT 0,
	revoked_reason TEXT NOT NULL DEFAULT '',
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	deleted_at     TEXT
) STRICT;
CREATE INDEX certificates_manager ON certificates (manager_id);

-- Change log and audit trail ---------------------------------------------------

-- Every local write adds a row here in the same transaction; sync sends the
-- rows in seq order and marks them sent once HQ has applied them.
CREATE TABLE outbox (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	change_id  TEXT NOT NULL UNIQUE,
	entity     TEXT NOT NULL,
	row_id     TEXT NOT NULL,
	op         TEXT NOT NULL,            -- upsert / delete
	payload    TEXT NOT NULL,            -- the whole row as JSON
	created_at TEXT NOT NULL,
	sent_at    TEXT
) STRICT;
CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;

-- Who changed what, when (公开、公平、公正). Never pruned.
CREATE TABLE audit (
	seq    INTEGER PRIMARY KEY AUTOINCREMENT,
	at     TEXT NOT NULL,
	actor  TEXT NOT NULL,
	action TEXT NOT NULL,
	entity TEXT NOT NULL,
	row_id TEXT NOT NULL,
	detail TEXT NOT NULL
) STRICT;
CREATE INDEX audit_row ON audit (entity, row_id);
