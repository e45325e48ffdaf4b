-- Market research records: the surveys the policy makes a duty of each level.
CREATE TABLE market_research (
	id            TEXT PRIMARY KEY,
	showroom_id   TEXT NOT NULL,
	manager_id    TEXT NOT NULL REFERENCES managers (id),
	kind          TEXT NOT NULL,
	date          TEXT NOT NULL,
	subject       TEXT NOT NULL,
	details       TEXT NOT NULL DEFAULT '',
	price_per_m2  INTEGER NOT NULL DEFAULT 0,
	units         INTEGER NOT NULL DEFAULT 0,
	delivery      TEXT,
	sales_status  TEXT NOT NULL DEFAULT '',
	decoration    TEXT NOT NULL DEFAULT '',
	cooperation   TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	deleted_at    TEXT
) STRICT;
CREATE INDEX market_research_manager ON market_research (manager_id, date);
