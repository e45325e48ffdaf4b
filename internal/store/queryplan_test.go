package store

import (
	"path/filepath"
	"strings"
	"testing"

	"kaohe/internal/store/queryplan"
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
		// The sync's batches: read after a seq, answers marked by seq (the
		// primary key) or by change id.
		"next batch":          {sqlPendingAfter, "outbox_unsent"},
		"answers sent":        {sqlMarkSent, "sqlite_autoindex_outbox_1"},
		"answers sent by seq": {sqlMarkSentBySeq, ""},
	} {
		args := make([]any, strings.Count(q.sql, "?"))
		p, err := queryplan.Of(ctx, s.r, q.sql, args...)
		if err != nil {
			t.Fatal(err)
		}
		use := "USING INDEX " + q.index
		if q.index == "" {
			use = "SEARCH outbox USING INTEGER PRIMARY KEY"
		}
		if !strings.Contains(p, use) || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("%s: plan %q does not read the outbox %s", name, p, use)
		}
	}
}
