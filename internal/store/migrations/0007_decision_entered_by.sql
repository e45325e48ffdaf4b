-- The account that entered a decision (the review group's members present
-- are decided_by).
ALTER TABLE decisions ADD COLUMN entered_by TEXT NOT NULL DEFAULT '';
