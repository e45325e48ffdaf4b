package store

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestStatusQueriesUseTheirIndex: the sync status, read on every visit of
// the Sync and Settings screens, must not scan an outbox of hundreds of
// thousands of unsent changes.
func TestStatusQueriesUseTheirIndex(t *testing.T) {
	s, err := Open(ctx, filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for name, q := range map[string]struct{ sql, index string }{
		"refused changes": {sqlRefused, "outbox_refused"},
		// The sync's batches: read after a seq, answers marked by change id.
		"next batch":   {sqlPendingAfter, "outbox_unsent"},
		"answers sent": {sqlMarkSent, "sqlite_autoindex_outbox_1"},
	} {
		args := make([]any, strings.Count(q.sql, "?"))
		rows, err := s.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q.sql, args...)
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
		if p := strings.Join(plan, "; "); !strings.Contains(p, "USING INDEX "+q.index) || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("%s: plan %q does not read %s in order", name, p, q.index)
		}
	}
}
