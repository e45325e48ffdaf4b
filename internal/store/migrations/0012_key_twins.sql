-- Rows HQ holds under one natural key: two targets of a manager, metric and
-- year, two actuals of a month, two attendances of a training, two
-- assessments of a period, stored by an HQ from before it kept those keys
-- and kept by HQ's migration 6. A showroom restored from HQ's copy holds
-- them all, as HQ does: the first is the key's row (twin ''), a second one
-- HQ sends is a twin (twin: its own id), which the key's unique index tells
-- apart. The app's own writes still make no second row: they find the
-- key's row (the first, else a twin) and change it.
ALTER TABLE targets ADD COLUMN twin TEXT NOT NULL DEFAULT '';
ALTER TABLE actuals ADD COLUMN twin TEXT NOT NULL DEFAULT '';
ALTER TABLE assessments ADD COLUMN twin TEXT NOT NULL DEFAULT '';
ALTER TABLE attendance ADD COLUMN twin TEXT NOT NULL DEFAULT '';
DROP INDEX targets_key;
CREATE UNIQUE INDEX targets_key ON targets (manager_id, metric, year, twin) WHERE deleted_at IS NULL;
DROP INDEX actuals_key;
CREATE UNIQUE INDEX actuals_key ON actuals (manager_id, metric, year, month, twin) WHERE deleted_at IS NULL;
DROP INDEX assessments_key;
CREATE UNIQUE INDEX assessments_key ON assessments (manager_id, period_id, twin) WHERE deleted_at IS NULL;
DROP INDEX attendance_key;
CREATE UNIQUE INDEX attendance_key ON attendance (training_id, manager_id, twin) WHERE deleted_at IS NULL;
