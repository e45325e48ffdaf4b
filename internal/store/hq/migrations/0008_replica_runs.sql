-- A replica numbers its changes one after another, and a push brings them
-- so: replica_seen kept a row for each number, the credential again in
-- each, and an index entry for it, about a fifteenth of HQ's database
-- after a first sync. replica_runs keeps a run of consecutive numbers as
-- one row: the credential, the run's last and first numbers, and the
-- change of each of its numbers in order (a JSON list). HQ notes only
-- numbers it has not seen, so a credential's runs never overlap, and
-- their order by last number is their order by first.
CREATE TABLE replica_runs (
	credential TEXT NOT NULL,
	last       INTEGER NOT NULL,
	first      INTEGER NOT NULL,
	change_ids TEXT NOT NULL,
	PRIMARY KEY (credential, last)
) STRICT;
-- A number less its place among the credential's numbers is the same for
-- every number of a run, and differs from run to run.
INSERT INTO replica_runs (credential, last, first, change_ids)
	SELECT credential, max(rseq), min(rseq), json_group_array(change_id ORDER BY rseq)
	FROM (SELECT credential, rseq, change_id, rseq - row_number() OVER (PARTITION BY credential ORDER BY rseq) AS run FROM replica_seen)
	GROUP BY credential, run;
DROP TABLE replica_seen;
-- The numbers one by one, as replica_seen held them, for whoever reads.
CREATE VIEW replica_seen (credential, rseq, change_id) AS
	SELECT r.credential, r.first + j.key, j.value FROM replica_runs r, json_each(r.change_ids) j;
