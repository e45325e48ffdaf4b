-- The changes HQ refused are few, the outbox of a showroom that has not
-- synced holds hundreds of thousands: the sync status reads the refused ones
-- on every visit of the Sync and Settings screens, through this index instead
-- of a scan of the whole outbox.
CREATE INDEX outbox_refused ON outbox (seq) WHERE refused IS NOT NULL;
