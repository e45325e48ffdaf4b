-- The changes a transaction logs were all received at one time under one
-- credential, and the log kept both with each change: 66 bytes of about
-- 425 a change. A receipt keeps them once, and each change the number of
-- its receipt.
CREATE TABLE receipts (
	id          INTEGER PRIMARY KEY,
	received_at TEXT NOT NULL,
	credential  TEXT NOT NULL
) STRICT;
INSERT INTO receipts (received_at, credential)
	SELECT received_at, credential FROM changes GROUP BY received_at, credential ORDER BY min(seq);
ALTER TABLE changes ADD COLUMN receipt INTEGER NOT NULL DEFAULT 0;
CREATE INDEX receipts_of ON receipts (received_at, credential);
UPDATE changes SET receipt = r.id FROM receipts r WHERE r.received_at = changes.received_at AND r.credential = changes.credential;
DROP INDEX receipts_of;
ALTER TABLE changes DROP COLUMN received_at;
ALTER TABLE changes DROP COLUMN credential;
