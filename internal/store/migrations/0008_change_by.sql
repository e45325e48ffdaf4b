-- Who made each change, sent with it to HQ ("姓名（工号）", or the machine
-- work's name): HQ's audit names the person without syncing audit rows.
ALTER TABLE outbox ADD COLUMN actor TEXT NOT NULL DEFAULT '';
-- The showroom of the row an audit line is about ('' for reference data,
-- local work and older lines): HQ mode's audit view filters by it.
ALTER TABLE audit ADD COLUMN showroom_id TEXT NOT NULL DEFAULT '';
