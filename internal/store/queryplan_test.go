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
	for name, q := range map[string]struct {
		sql  string
		uses []string // what the plan must say
	}{
		"refused changes": {sqlRefused, []string{"USING INDEX outbox_refused"}},
		"waiting changes": {`SELECT count(*) FROM outbox WHERE waiting IS NOT NULL AND ` + sqlWaitingQueued,
			[]string{"USING INDEX outbox_waiting", "SEARCH q EXISTS USING INTEGER PRIMARY KEY"}},
		// The sync's batches: read from the queue after a seq, each change
		// by its primary key; answers marked by seq (the primary key) or by
		// change id.
		"next batch": {sqlPendingAfter, []string{"SEARCH q USING INTEGER PRIMARY KEY (rowid>?)", "SEARCH o USING INTEGER PRIMARY KEY (rowid=?)"}},
		"answers sent": {sqlMarkSent, []string{"SEARCH outbox_queue USING INTEGER PRIMARY KEY",
			"USING COVERING INDEX sqlite_autoindex_outbox_1 (change_id=?)"}},
		"answers sent by seq": {sqlMarkSentBySeq, []string{"SEARCH outbox_queue USING INTEGER PRIMARY KEY",
			"SEARCH o USING INTEGER PRIMARY KEY (rowid=?)"}},
	} {
		args := make([]any, strings.Count(q.sql, "?"))
		p, err := queryplan.Of(ctx, s.r, q.sql, args...)
		if err != nil {
			t.Fatal(err)
		}
		for _, use := range q.uses {
			if !strings.Contains(p, use) || strings.Contains(p, "TEMP B-TREE") {
				t.Errorf("%s: plan %q does not say %s", name, p, use)
			}
		}
	}
}
