-- A row's current state is the payload of the change that wrote it, and
-- rows kept that payload (about 180 bytes) and that change's id (36) a
-- second time beside the log's: with a first sync, where every row has
-- one change, nearly half of what a change costs HQ. row_states keeps of
-- the state what the log does not hold, and the log entry of the change
-- that wrote it (wrote); rows is now a view of the two, answering every
-- question of rows as before. A question of neither payload nor change id
-- reads no log entry: each is read by the log's key, and only if asked.
--
-- HQ has always logged a change, in the same transaction, before writing
-- its row, and never deletes a log entry, so every row's change is found.
-- A state whose payload is not its change's (HQ writes none) keeps its own.
CREATE TABLE row_states (
	entity      TEXT NOT NULL,
	row_id      TEXT NOT NULL,
	showroom_id TEXT NOT NULL,
	deleted     INTEGER NOT NULL DEFAULT 0,
	seq         INTEGER NOT NULL,
	wrote       INTEGER NOT NULL,          -- changes.seq of the change that wrote the state
	version     INTEGER NOT NULL DEFAULT 0,
	parent      TEXT NOT NULL DEFAULT '',
	natural_key TEXT NOT NULL DEFAULT '',
	payload     TEXT,                      -- NULL: the payload of the change it wrote
	PRIMARY KEY (entity, row_id)
) STRICT;
INSERT INTO row_states (rowid, entity, row_id, showroom_id, deleted, seq, wrote, version, parent, natural_key, payload)
	SELECT r.rowid, r.entity, r.row_id, r.showroom_id, r.deleted, r.seq, c.seq, r.version, r.parent, r.natural_key,
		CASE WHEN c.payload IS r.payload THEN NULL ELSE r.payload END
	FROM rows r LEFT JOIN changes c ON c.change_id = r.change_id;
DROP TABLE rows;
CREATE INDEX rows_parent ON row_states (parent, entity) WHERE parent <> '';
CREATE INDEX rows_natural_key ON row_states (natural_key) WHERE natural_key <> '';
CREATE INDEX rows_showroom_seq ON row_states (showroom_id, seq);
CREATE INDEX rows_showroom_levels ON row_states (showroom_id) WHERE entity IN ('level_assignment', 'level_change');
CREATE VIEW rows (entity, row_id, showroom_id, payload, deleted, seq, change_id, parent, version, natural_key) AS
	SELECT r.entity, r.row_id, r.showroom_id, coalesce(r.payload, (SELECT c.payload FROM changes c WHERE c.seq = r.wrote)),
		r.deleted, r.seq, (SELECT c.change_id FROM changes c WHERE c.seq = r.wrote), r.parent, r.version, r.natural_key
	FROM row_states r;
