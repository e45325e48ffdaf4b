package store

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"kaohe/internal/kaohe"
)

// TestNextToSendNumbersBatchByBatch: the sync reads its batches through
// NextToSend, which records the answers for the batch before and numbers
// the next one in one transaction. The numbers must be those NumberPending
// gives the whole outbox at once (gap-free, in write order), a change must
// keep its number when read again, a change written during the pass goes on
// the sequence after the others, and the answers must be recorded.
func TestNextToSendNumbersBatchByBatch(t *testing.T) {
	s := newStore(t)
	for i := range 7 {
		addManager(t, s, fmt.Sprintf("M%03d", i), "经理", kaohe.Level1, kaohe.EduBachelor)
	}
	pending, _ := s.PendingChanges(ctx, 1000)
	if len(pending) < 10 {
		t.Fatalf("%d changes to send; want at least 10", len(pending))
	}
	// What NumberPending gives, on a copy of the database.
	whole := numberedCopy(t, s)
	want := map[string]int64{}
	wp, _ := whole.PendingChanges(ctx, 1000)
	for _, c := range wp {
		want[c.ID] = c.RSeq
	}

	got := map[string]int64{}
	var answered []Outcome
	var seq int64
	const limit = 3
	for round := 0; ; round++ {
		batch, err := s.NextToSend(ctx, answered, seq, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(batch) > limit {
			t.Fatalf("batch of %d; limit %d", len(batch), limit)
		}
		if len(answered) > 0 {
			var left int
			s.r.QueryRow(`SELECT count(*) FROM outbox WHERE `+sqlUnsent+` AND change_id = ?`, answered[0].ChangeID).Scan(&left)
			if left != 0 {
				t.Fatalf("round %d: an answered change is still unsent", round)
			}
		}
		if len(batch) == 0 {
			break
		}
		answered = nil
		for _, c := range batch {
			if c.RSeq == 0 {
				t.Fatalf("change %s read without a number", c.ID)
			}
			got[c.ID] = c.RSeq
			answered = append(answered, Outcome{ChangeID: c.ID})
		}
		// Read again (an answer lost): the same numbers.
		again, err := s.NextToSend(ctx, nil, seq, limit)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range again {
			if c.ID != batch[i].ID || c.RSeq != batch[i].RSeq {
				t.Fatalf("read again: %s #%d; first %s #%d", c.ID, c.RSeq, batch[i].ID, batch[i].RSeq)
			}
		}
		seq = batch[len(batch)-1].Seq
	}
	for id, n := range want {
		if got[id] != n {
			t.Errorf("change %s numbered %d batch by batch; %d at once", id, got[id], n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d changes sent; want %d", len(got), len(want))
	}
	if n, _ := s.PendingCount(ctx); n != 0 {
		t.Errorf("%d changes left unsent", n)
	}
	last, _ := s.Meta(ctx, MetaReplicaSeq)
	if last != fmt.Sprint(len(want)) {
		t.Errorf("replica sequence at %s; want %d", last, len(want))
	}

	// A change written during the pass goes on after them; a refusal keeps
	// its reason and leaves the queue.
	m := addManager(t, s, "M100", "新经理", kaohe.Level1, kaohe.EduBachelor)
	batch, err := s.NextToSend(ctx, nil, seq, limit)
	if err != nil || len(batch) == 0 {
		t.Fatalf("after a new write: %d changes, %v", len(batch), err)
	}
	if batch[0].RSeq != int64(len(want)+1) {
		t.Errorf("the new change is #%d; want #%d", batch[0].RSeq, len(want)+1)
	}
	var out []Outcome
	for _, c := range batch {
		out = append(out, Outcome{ChangeID: c.ID, Refused: "err.test_refused"})
	}
	if _, err := s.NextToSend(ctx, out, batch[len(batch)-1].Seq, 0); err != nil {
		t.Fatal(err)
	}
	refused, _ := s.Refused(ctx)
	if len(refused) != len(batch) || !strings.Contains(refused[0].Refused, "err.test_refused") {
		t.Errorf("refused %+v; want the %d changes of %s", refused, len(batch), m.ID)
	}
	if n, _ := s.PendingCount(ctx); n != 0 {
		t.Errorf("%d changes left unsent after the refusals", n)
	}
}

// TestMarkPushedBySeqMarksOnlyThatChange: an answer naming the change's
// outbox seq is recorded through it, but only where that row holds that
// change: a seq that now holds another change (the outbox replaced while
// the answer was on its way) marks that other change nothing, and the
// answered one is still found by its id. Answers without a seq are found by
// id as before.
func TestMarkPushedBySeqMarksOnlyThatChange(t *testing.T) {
	s := newStore(t)
	for i := range 4 {
		addManager(t, s, fmt.Sprintf("M%03d", i), "经理", kaohe.Level1, kaohe.EduBachelor)
	}
	pending, _ := s.PendingChanges(ctx, 1000)
	if len(pending) < 6 {
		t.Fatalf("%d changes to send; want at least 6", len(pending))
	}
	unsent := func(id string) bool {
		var n int
		s.r.QueryRow(`SELECT count(*) FROM outbox WHERE `+sqlUnsent+` AND change_id = ?`, id).Scan(&n)
		return n == 1
	}
	a, b, c, d := pending[0], pending[1], pending[2], pending[3]
	err := s.MarkPushed(ctx, []Outcome{
		{ChangeID: a.ID, Seq: a.Seq}, // where it is
		{ChangeID: b.ID, Seq: d.Seq}, // d's place: d must stay, b be found by id
		{ChangeID: c.ID},             // no seq: by id
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []Change{a, b, c} {
		if unsent(x.ID) {
			t.Errorf("answered change %s is still unsent", x.ID)
		}
	}
	if !unsent(d.ID) {
		t.Errorf("change %s, never answered, was marked sent through a seq given for %s", d.ID, b.ID)
	}
	for _, x := range pending[4:] {
		if !unsent(x.ID) {
			t.Errorf("change %s, never answered, was marked sent", x.ID)
		}
	}
	// Answered again (a retried batch): nothing changes, nothing fails.
	if err := s.MarkPushed(ctx, []Outcome{{ChangeID: a.ID, Seq: a.Seq}}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.PendingCount(ctx); n != len(pending)-3 {
		t.Errorf("%d changes left unsent; want %d", n, len(pending)-3)
	}
}

// TestNextToSendNumbersAroundGaps: a batch whose unnumbered changes are not
// at consecutive seqs (changes deleted unsent between them, others sent or
// numbered before) is numbered as NumberPending numbers the whole outbox:
// gap-free in write order, a numbered change keeping its number, and what
// NextToSend returns is what the outbox holds. Few runs are numbered a
// range at a time, many in one statement: both are tried.
func TestNextToSendNumbersAroundGaps(t *testing.T) {
	for _, gaps := range []int{2, maxNumberRuns * 3} {
		t.Run(fmt.Sprint(gaps, " gaps"), func(t *testing.T) {
			s := newStore(t)
			for i := range 45 {
				addManager(t, s, fmt.Sprintf("M%03d", i), "经理", kaohe.Level1, kaohe.EduBachelor)
			}
			pending, _ := s.PendingChanges(ctx, 1000)
			if len(pending) < 3*gaps+10 {
				t.Fatalf("%d changes; want at least %d", len(pending), 3*gaps+10)
			}
			// The first 4 numbered and sent, not answered; then every third
			// one deleted or sent, gaps times.
			if _, err := s.NextToSend(ctx, nil, 0, 4); err != nil {
				t.Fatal(err)
			}
			for i := range gaps {
				c := pending[6+3*i]
				q := `DELETE FROM outbox WHERE seq = ?`
				if i%2 == 1 {
					q = `DELETE FROM outbox_queue WHERE seq = ?` // sent
				}
				if _, err := s.w.Exec(q, c.Seq); err != nil {
					t.Fatal(err)
				}
			}
			whole := numberedCopy(t, s)
			want, _ := whole.PendingChanges(ctx, 1000)
			batch, err := s.NextToSend(ctx, nil, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			stored, _ := s.PendingChanges(ctx, 1000)
			if len(batch) != len(want) || len(stored) != len(want) {
				t.Fatalf("%d changes read, %d stored; want %d", len(batch), len(stored), len(want))
			}
			for i := range want {
				if batch[i].ID != want[i].ID || batch[i].RSeq != want[i].RSeq || stored[i].RSeq != want[i].RSeq {
					t.Fatalf("change %d: %s read #%d, stored #%d; want %s #%d", i, batch[i].ID, batch[i].RSeq, stored[i].RSeq, want[i].ID, want[i].RSeq)
				}
			}
			last, _ := s.Meta(ctx, MetaReplicaSeq)
			wlast, _ := whole.Meta(ctx, MetaReplicaSeq)
			if last != wlast || last != fmt.Sprint(len(want)) {
				t.Errorf("replica sequence at %s; want %s (%d changes)", last, wlast, len(want))
			}
		})
	}
}

// numberedCopy is a copy of s's database with every pending change
// numbered by NumberPending: the numbers a batch-by-batch numbering must
// give. It closes with the test.
func numberedCopy(t *testing.T, s *Store) *Store {
	t.Helper()
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if _, err := s.w.Exec(`VACUUM INTO ?`, copyPath); err != nil {
		t.Fatal(err)
	}
	whole, err := Open(ctx, copyPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { whole.Close() })
	if err := whole.NumberPending(ctx); err != nil {
		t.Fatal(err)
	}
	return whole
}
