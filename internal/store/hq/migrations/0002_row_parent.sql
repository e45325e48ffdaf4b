-- The row a synced row refers to (its manager, application, assessment…),
-- so the rules find a manager's level history or an application's
-- decisions by index instead of by reading every payload.
ALTER TABLE rows ADD COLUMN parent TEXT NOT NULL DEFAULT '';
UPDATE rows SET parent = coalesce(CASE
	WHEN entity IN ('decision', 'application_event', 'exemption') THEN json_extract(payload, '$.application_id')
	WHEN entity = 'filing' THEN json_extract(payload, '$.assessment_id')
	WHEN entity = 'certificate_print' THEN json_extract(payload, '$.certificate_id')
	WHEN entity = 'attendance' THEN json_extract(payload, '$.training_id')
	ELSE json_extract(payload, '$.manager_id') END, '')
	WHERE json_valid(payload);
CREATE INDEX rows_parent ON rows (parent, entity) WHERE parent <> '';
