-- Sync: a change HQ refused stays in the outbox with its reason, out of the
-- queue, so one bad row never blocks the others.
ALTER TABLE outbox ADD COLUMN refused TEXT;
DROP INDEX outbox_unsent;
CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL AND refused IS NULL;
