-- Who made each change at its writer ("姓名（工号）", or the machine work's
-- name), as it came with the change: HQ's audit view.
ALTER TABLE changes ADD COLUMN actor TEXT NOT NULL DEFAULT '';
