-- Natural keys as the registry declares them (kaohe.Entity.NaturalKey):
-- besides employee numbers and actuals, one target per manager, metric and
-- year, one attendance per training and manager, one assessment per manager
-- and period. HQ kept no key for these, so a showroom could send a second
-- one; and rows stored before keys were kept (schema 3) have none either.
-- Each live row without a key gets the one the registry gives it: the
-- kind, the showroom for a per-showroom key, then the parts, NUL-separated;
-- no key when a part is empty.
--
-- Rows that already share a key are all kept, each holding it: nothing HQ
-- accepted is lost. A change to one of them that leaves its key as it is
-- is accepted; a new row with the key, or a row moving onto it, is refused
-- (hq checkUnique); deleting or re-keying one frees the key for the other.
UPDATE rows SET natural_key = CASE entity
	WHEN 'manager' THEN 'manager' || char(0) || showroom_id || char(0) || lower(trim(payload ->> '$.employee_no'))
	WHEN 'account' THEN 'account' || char(0) || showroom_id || char(0) || lower(trim(payload ->> '$.employee_no'))
	WHEN 'hq_account' THEN 'hq_account' || char(0) || showroom_id || char(0) || lower(trim(payload ->> '$.employee_no'))
	WHEN 'actual' THEN 'actual' || char(0) || (payload ->> '$.manager_id') || char(0) || (payload ->> '$.metric')
		|| char(0) || (payload ->> '$.year') || char(0) || (payload ->> '$.month')
	WHEN 'target' THEN 'target' || char(0) || (payload ->> '$.manager_id') || char(0) || (payload ->> '$.metric')
		|| char(0) || (payload ->> '$.year')
	WHEN 'attendance' THEN 'attendance' || char(0) || (payload ->> '$.training_id') || char(0) || (payload ->> '$.manager_id')
	WHEN 'assessment' THEN 'assessment' || char(0) || (payload ->> '$.manager_id') || char(0) || (payload ->> '$.period_id')
	END
	WHERE natural_key = '' AND deleted = 0 AND json_valid(payload) AND CASE entity
		WHEN 'manager' THEN coalesce(trim(payload ->> '$.employee_no'), '') <> ''
		WHEN 'account' THEN coalesce(trim(payload ->> '$.employee_no'), '') <> ''
		WHEN 'hq_account' THEN coalesce(trim(payload ->> '$.employee_no'), '') <> ''
		WHEN 'actual' THEN coalesce(payload ->> '$.manager_id', '') <> '' AND coalesce(payload ->> '$.metric', '') <> ''
			AND payload ->> '$.year' IS NOT NULL AND payload ->> '$.month' IS NOT NULL
		WHEN 'target' THEN coalesce(payload ->> '$.manager_id', '') <> '' AND coalesce(payload ->> '$.metric', '') <> ''
			AND payload ->> '$.year' IS NOT NULL
		WHEN 'attendance' THEN coalesce(payload ->> '$.training_id', '') <> '' AND coalesce(payload ->> '$.manager_id', '') <> ''
		WHEN 'assessment' THEN coalesce(payload ->> '$.manager_id', '') <> '' AND coalesce(payload ->> '$.period_id', '') <> ''
		ELSE 0 END;
