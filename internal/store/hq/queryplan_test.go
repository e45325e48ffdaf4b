package hq

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
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
	for name, q := range map[string]struct {
		sql   string
		index string
		args  []any
	}{
		"natural key taken": {sqlNaturalKeyTaken, "rows_natural_key", []any{"k", "manager", "r"}},
	} {
		rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q.sql, q.args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if p := strings.Join(plan, "; "); !strings.Contains(p, "USING INDEX "+q.index) {
			t.Errorf("%s: plan %q does not use %s", name, p, q.index)
		}
	}
}
