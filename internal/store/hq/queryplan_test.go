package hq

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"kaohe/internal/store/queryplan"
)

// TestPerChangeQueriesUseTheirIndex: the lookups HQ makes for every pushed
// change must use an index, not scan the rows table; a partial index is used
// only when the query repeats its WHERE clause, which is easy to lose.
func TestPerChangeQueriesUseTheirIndex(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	type query struct {
		sql   string
		index string
		args  []any
	}
	plans := map[string]query{
		"natural key taken":  {sqlNaturalKeyTaken, "rows_natural_key", []any{"manager", "r", "k"}},
		"replica numbers":    {sqlReplicaNumbers, "sqlite_autoindex_replica_runs_1", []any{"c", 1, 5000}},
		"changes seen":       {sqlSeenChanges, "sqlite_autoindex_changes_1", []any{`["a","b"]`}},
		"change logged":      {sqlChangeLogged, "sqlite_autoindex_changes_1", []any{"a"}},
		"prefetch rows":      {sqlPrefetchRows, "sqlite_autoindex_row_states_1", []any{`[["manager","a"]]`}},
		"prefetch owners":    {sqlPrefetchOwners, "sqlite_autoindex_row_states_1", []any{`[["manager","a"]]`}},
		"stored row":         {sqlStoredRow, "sqlite_autoindex_row_states_1", []any{"manager", "a"}},
		"row's showroom":     {sqlRowShowroom, "sqlite_autoindex_row_states_1", []any{"manager", "a"}},
		"row's payload":      {sqlRowPayload, "sqlite_autoindex_row_states_1", []any{"manager", "a"}},
		"batch's histories":  {sqlHistories, "rows_parent", []any{`["m1","m2"]`}},
		"batch's filings":    {sqlFiled, "rows_parent", []any{`["a1","a2"]`}},
		"batch's keys":       {sqlKeysTaken, "rows_natural_key", []any{`["k1","k2"]`}},
		"assessor by number": {sqlManagerByKey, "rows_natural_key", []any{"manager\x00s\x00d001"}},
		// Once by rows_showroom (migration 7).
		"showroom's level 3":   {sqlLevel3Managers, "rows_showroom_levels", []any{"s", 3}},
		"manager's attendance": {sqlAttendanceOf, "rows_parent", []any{"m"}},
		"showroom's managers":  {sqlKindOfShowroom, "sqlite_autoindex_row_states_1", []any{"manager", "s"}},
		"showroom's row states": {`SELECT entity, row_id, change_id FROM rows` + sqlRowStatesOf + notHQOnly,
			"rows_showroom_seq", []any{"s"}},
	}
	for name, q := range plans {
		p, err := queryplan.Of(ctx, s.db, q.sql, q.args...)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p, "INDEX "+q.index) && !strings.Contains(p, "USING "+q.index) {
			t.Errorf("%s: plan %q does not use %s", name, p, q.index)
		}
		if strings.Contains(p, "SCAN rows") || strings.Contains(p, "SCAN changes") {
			t.Errorf("%s: plan %q scans a table", name, p)
		}
		// rows is a view of row_states and the log (migration 10): a
		// question of neither payload nor change id reads no log entry.
		if !strings.Contains(q.sql, "payload") && !strings.Contains(q.sql, "change_id") && strings.Contains(p, "SEARCH c ") {
			t.Errorf("%s: plan %q reads the log", name, p)
		}
	}
}
