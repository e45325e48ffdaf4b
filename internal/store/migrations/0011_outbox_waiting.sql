-- A change HQ answered as waiting for reference data it has not published
-- (kaohe.EAWAIT: an assessment of a period HQ lacks) stays unsent, to be
-- sent again, with HQ's reason for the user; the next answer clears it.
ALTER TABLE outbox ADD COLUMN waiting TEXT;
CREATE INDEX outbox_waiting ON outbox (seq) WHERE waiting IS NOT NULL;
