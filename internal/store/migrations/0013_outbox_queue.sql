-- A change's send state leaves its outbox row for a narrow queue: one row for
-- each change neither sent nor refused, with the change's number in this
-- replica's sequence once given. Numbering a change and marking it sent each
-- rewrote its whole outbox row, payload and all, and marking it its place in
-- the outbox_unsent index: a first sync of 100,000 changes rewrote the outbox
-- twice over. Now a sent change leaves the queue (its row deleted, a few
-- bytes), and the outbox rows are written once. A change is sent when it is
-- out of the queue and not refused; refused when refused is set.
CREATE TABLE outbox_queue (
	seq  INTEGER PRIMARY KEY,   -- the change's outbox seq
	rseq INTEGER                -- its number in this replica's sequence, given when first read to be sent
) STRICT;
INSERT INTO outbox_queue (seq, rseq) SELECT seq, rseq FROM outbox WHERE sent_at IS NULL AND refused IS NULL;

-- Every change written is queued, and a change deleted leaves the queue with
-- it, whoever writes or deletes it.
CREATE TRIGGER outbox_queued AFTER INSERT ON outbox BEGIN
	INSERT INTO outbox_queue (seq) VALUES (new.seq);
END;
CREATE TRIGGER outbox_unqueued AFTER DELETE ON outbox BEGIN
	DELETE FROM outbox_queue WHERE seq = old.seq;
END;

DROP INDEX outbox_unsent;
ALTER TABLE outbox DROP COLUMN sent_at;
ALTER TABLE outbox DROP COLUMN rseq;
