-- Order without clocks: a change carries its row's counter (bumped by the
-- row's one writer); the row keeps the state with the highest counter.
ALTER TABLE changes ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE changes ADD COLUMN rseq INTEGER;
ALTER TABLE rows ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
-- What must be unique among a showroom's live rows (an employee number, one
-- actual per manager, metric and month), kept to refuse a second one.
ALTER TABLE rows ADD COLUMN natural_key TEXT NOT NULL DEFAULT '';
CREATE INDEX rows_natural_key ON rows (natural_key) WHERE natural_key <> '';
CREATE INDEX rows_showroom_seq ON rows (showroom_id, seq);

-- Each credential is one replica (one database): the numbers of its
-- gap-free sequence HQ has seen, and which change each was. A second
-- database sending another change under a number already seen is a copy.
CREATE TABLE replica_seen (
	credential TEXT NOT NULL,
	rseq       INTEGER NOT NULL,
	change_id  TEXT NOT NULL,
	PRIMARY KEY (credential, rseq)
) STRICT, WITHOUT ROWID;

-- Idempotent enrollment: a credential remembers the code and the request it
-- answered; the code is used up only when the credential is first used.
ALTER TABLE credentials ADD COLUMN code_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE credentials ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
ALTER TABLE credentials ADD COLUMN used_at TEXT;
CREATE INDEX credentials_code ON credentials (code_hash) WHERE code_hash <> '';
ALTER TABLE enroll_codes ADD COLUMN expires_at TEXT;
