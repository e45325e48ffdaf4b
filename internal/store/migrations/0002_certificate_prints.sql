-- Every print of a certificate, so a reprint is marked 副本 and HQ can see
-- who printed what. Append-only, written by whoever prints.
CREATE TABLE certificate_prints (
	id             TEXT PRIMARY KEY,
	showroom_id    TEXT NOT NULL,
	certificate_id TEXT NOT NULL REFERENCES certificates (id),
	copy           INTEGER NOT NULL,    -- 0 for the first print, 1 for a reprint (副本)
	printed_by     TEXT NOT NULL,
	created_at     TEXT NOT NULL
) STRICT;
CREATE INDEX certificate_prints_cert ON certificate_prints (certificate_id);
