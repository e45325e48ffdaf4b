-- Employee numbers are one number whatever their case (kaohe.EmployeeNoKey):
-- managers' natural keys were kept as written, so d001 slipped past D001.
-- Keys are "manager", the showroom's id (lower-case hex) and the number,
-- which is ASCII: lower() is exact.
UPDATE rows SET natural_key = lower(natural_key) WHERE entity = 'manager' AND natural_key <> '';
