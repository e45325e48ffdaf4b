-- HQ's public signing keys, received as reference data: certificates are
-- checked against them offline, also after HQ rotates its key.
CREATE TABLE hq_keys (
	id         TEXT PRIMARY KEY,
	public     TEXT NOT NULL,
	created_at TEXT NOT NULL
) STRICT;
