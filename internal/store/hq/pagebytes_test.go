package hq

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"kaohe/sync/protocol"
)

// TestPagesStopAtTheirBytes: a pull page holds changes up to
// protocol.MaxPageBytes of payload (and always at least one), so an honest
// app, which reads at most protocol.MaxAnswerBytes of an answer, can read
// every page HQ writes however large its rows are.
func TestPagesStopAtTheirBytes(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// 7, 7, 7 and 20 MiB: pages of two, one and one.
	sizes := []int{7 << 20, 7 << 20, 7 << 20, 20 << 20}
	err = s.tx(ctx, func(tx *txn) error {
		for i, n := range sizes {
			c := protocol.Change{ID: fmt.Sprintf("big-%d", i), Entity: "level", RowID: fmt.Sprintf("big-%d", i), Op: "upsert",
				Payload: []byte(`{"note":"` + strings.Repeat("a", n) + `"}`), At: "2026-12-01T00:00:00Z"}
			if _, err := s.record(tx, c, "", "", KindHQ, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var pages [][]string
	cursor := int64(0)
	for range 10 {
		resp, err := s.Pull(ctx, Credential{Kind: KindHQ}, cursor, protocol.MaxBatch)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		size := 0
		for _, c := range resp.Changes {
			if strings.HasPrefix(c.ID, "big-") {
				ids = append(ids, c.ID)
			}
			size += len(c.Payload)
		}
		if len(resp.Changes) > 1 && size > protocol.MaxPageBytes {
			t.Errorf("a page of %d changes holds %d payload bytes, over %d", len(resp.Changes), size, protocol.MaxPageBytes)
		}
		if len(ids) > 0 {
			pages = append(pages, ids)
		}
		cursor = resp.Cursor
		if !resp.More {
			break
		}
	}
	if got := fmt.Sprint(pages); got != "[[big-0 big-1] [big-2] [big-3]]" {
		t.Errorf("pages %s, want [[big-0 big-1] [big-2] [big-3]]", got)
	}
}
