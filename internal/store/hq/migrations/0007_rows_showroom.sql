-- rows_showroom (showroom_id, entity) indexed every row HQ holds a second
-- time by its showroom, and a push wrote it for every change it applied
-- (about a tenth of HQ's writer's time on a first sync), for a few
-- queries of few rows. They are served otherwise: the showroom's level
-- rows (the rules' Appointed) by a partial index of those rows only; a
-- manager's attendance by her showroom's trainings (the rows' key) and
-- their attendance (rows_parent); one kind of a showroom's rows (its
-- managers, its accounts) by the rows' key; all of a showroom's rows by
-- rows_showroom_seq.
DROP INDEX IF EXISTS rows_showroom;
CREATE INDEX IF NOT EXISTS rows_showroom_levels ON rows (showroom_id) WHERE entity IN ('level_assignment', 'level_change');
