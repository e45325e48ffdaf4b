-- Order without clocks, and this database as a replica with an identity.
-- row_versions: each row's counter, bumped by its one writer on every write
-- and learned from the writer's changes when they arrive; the higher counter
-- is the newer state, whatever any PC's clock said.
CREATE TABLE row_versions (
	entity    TEXT NOT NULL,
	row_id    TEXT NOT NULL,
	version   INTEGER NOT NULL,
	change_id TEXT NOT NULL,            -- the change that wrote this state
	PRIMARY KEY (entity, row_id)
) STRICT;

-- A change's row counter, and its number in this replica's gap-free
-- sequence (given when it is first sent, so HQ can tell a copy).
ALTER TABLE outbox ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN rseq INTEGER;

-- Pulled changes that could not be applied yet (a parent not here yet, or a
-- rule the local state breaks for now): retried after every pull.
CREATE TABLE remote_pending (
	change_id TEXT PRIMARY KEY,
	entity    TEXT NOT NULL,
	row_id    TEXT NOT NULL,
	op        TEXT NOT NULL,
	payload   TEXT NOT NULL,
	version   INTEGER NOT NULL DEFAULT 0,
	at        TEXT NOT NULL DEFAULT '',
	reason    TEXT NOT NULL DEFAULT '',
	parked    INTEGER NOT NULL          -- order of arrival
) STRICT;
