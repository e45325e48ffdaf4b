package store

import (
	"database/sql"
	"path/filepath"
	"slices"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/sqliteuri"
)

// TestMigrationQueuesTheUnsent: migration 13 moves the send state of a
// populated outbox (schema 12: sent_at, refused, rseq and waiting on each
// row) into outbox_queue. Every change neither sent nor refused is queued
// with its number, and only those; refusals and waits keep their reasons;
// the changes themselves are untouched; and the sync goes on from there:
// the next numbers after the replica's last, answers taking changes out of
// the queue, new writes queued, deleted changes unqueued.
func TestMigrationQueuesTheUnsent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kaohe.db")
	db, err := sql.Open("sqlite3", sqliteuri.File(path)+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrateConnTo(ctx, conn, 12); err != nil {
		t.Fatal(err)
	}
	rows := []struct {
		id                     string
		sent, refused, waiting any
		rseq                   any
	}{
		{"c1", "2026-11-27T10:00:00Z", nil, nil, 1},       // sent
		{"c2", nil, "err.test_refused", nil, 2},           // refused
		{"c3", nil, nil, "err.test_waits", 3},             // waiting, to be sent again
		{"c4", nil, nil, nil, 4},                          // numbered, its answer lost
		{"c5", nil, nil, nil, nil},                        // never read to be sent
		{"c6", "2026-11-27T10:01:00Z", nil, "err.old", 5}, // waited, then taken in
		{"c7", nil, nil, nil, nil},                        // deleted unsent after the migration
	}
	for _, r := range rows {
		if _, err := conn.ExecContext(ctx, `INSERT INTO outbox (change_id, entity, row_id, op, payload, created_at, sent_at, refused, version, rseq, actor, waiting)
			VALUES (?, 'manager', ?, 'upsert', ?, '2026-11-27T09:00:00Z', ?, ?, 1, ?, '董喆（D001）', ?)`,
			r.id, "row-"+r.id, `{"id":"row-`+r.id+`"}`, r.sent, r.refused, r.rseq, r.waiting); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, '5')`, MetaReplicaSeq); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := count(t, s, `SELECT count(*) FROM pragma_table_info('outbox') WHERE name IN ('sent_at', 'rseq')`); n != 0 {
		t.Errorf("the outbox still has %d of sent_at and rseq", n)
	}
	if _, err := s.w.ExecContext(ctx, `DELETE FROM outbox WHERE change_id = 'c7'`); err != nil {
		t.Fatal(err)
	}
	type queued struct {
		id   string
		rseq int64
	}
	pendingNow := func() []queued {
		t.Helper()
		pending, err := s.PendingChanges(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []queued
		for _, c := range pending {
			if c.RowID == "row-new" {
				continue // written after the migration
			}
			out = append(out, queued{c.ID, c.RSeq})
			if c.Payload == nil || c.By != "董喆（D001）" || c.Version != 1 || c.Created != "2026-11-27T09:00:00Z" {
				t.Errorf("change %s read back as %+v", c.ID, c)
			}
		}
		return out
	}
	if got, want := pendingNow(), []queued{{"c3", 3}, {"c4", 4}, {"c5", 0}}; !slices.Equal(got, want) {
		t.Errorf("queued after the migration: %v; want %v", got, want)
	}
	if n, _ := s.PendingCount(ctx); n != 3 {
		t.Errorf("PendingCount = %d; want 3", n)
	}
	if refused, _ := s.Refused(ctx); len(refused) != 1 || refused[0].ID != "c2" || refused[0].Refused != "err.test_refused" {
		t.Errorf("Refused() = %+v; want c2 with its reason", refused)
	}
	if waiting, n, _ := s.Waiting(ctx, 10); n != 1 || len(waiting) != 1 || waiting[0].ID != "c3" || waiting[0].Refused != "err.test_waits" {
		t.Errorf("Waiting() = %+v, %d; want c3 with its reason", waiting, n)
	}
	sent := func() []string {
		t.Helper()
		ids, err := queryAll(ctx, s.r, func(sc scanner) (string, error) {
			var id string
			return id, sc.Scan(&id)
		}, `SELECT change_id FROM outbox WHERE `+sqlSent+` ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := sent(); !slices.Equal(got, []string{"c1", "c6"}) {
		t.Errorf("sent after the migration: %v; want [c1 c6]", got)
	}

	// The sync goes on: c5 gets the number after the replica's last, the
	// others keep theirs; a write is queued; answers take them out.
	batch, err := s.NextToSend(ctx, nil, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(batch) != 3 || batch[2].ID != "c5" || batch[2].RSeq != 6 || batch[0].RSeq != 3 {
		t.Fatalf("NextToSend after the migration = %+v; want c3 #3, c4 #4, c5 #6", batch)
	}
	if err := s.Update(ctx, "test", func(tx *Tx) error {
		return tx.logChange(kaohe.EntManager, "row-new", OpUpsert, "manager.create", map[string]string{"id": "row-new"})
	}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.PendingCount(ctx); n <= 3 {
		t.Errorf("PendingCount after a write = %d; want more than 3", n)
	}
	var answered []Outcome
	for _, c := range batch {
		answered = append(answered, Outcome{ChangeID: c.ID, Seq: c.Seq})
	}
	if err := s.MarkPushed(ctx, answered); err != nil {
		t.Fatal(err)
	}
	if got := sent(); !slices.Equal(got, []string{"c1", "c3", "c4", "c5", "c6"}) {
		t.Errorf("sent after the answers: %v; want c1 and c3 to c6", got)
	}
	if _, n, _ := s.Waiting(ctx, 10); n != 0 {
		t.Errorf("%d changes still waiting once taken in", n)
	}
	if left := pendingNow(); len(left) != 0 {
		t.Errorf("still queued after their answers: %v", left)
	}
	if n, _ := s.PendingCount(ctx); n != 1 {
		t.Errorf("PendingCount after the answers = %d; want 1 (the write since)", n)
	}
}

// TestRestoreKeepsWhatTheReplacedDatabaseSent: a backup taken before its
// changes were sent, restored over the database that sent them (HQ took
// some in, refused one), does not queue them again: the sent ones stay
// sent, the refused one refused with its reason, and the change whose
// answer was lost stays queued.
func TestRestoreKeepsWhatTheReplacedDatabaseSent(t *testing.T) {
	s := newStore(t)
	dir := filepath.Join(t.TempDir(), "backups")
	for i := range 3 {
		addManager(t, s, "D00"+string(rune('1'+i)), "张喆", kaohe.Level1, kaohe.EduVocational)
	}
	backup, err := s.Backup(ctx, dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	batch, err := s.NextToSend(ctx, nil, 0, 1000)
	if err != nil || len(batch) < 4 {
		t.Fatalf("NextToSend = %d changes, %v; want at least 4", len(batch), err)
	}
	var answered []Outcome
	for _, c := range batch[:len(batch)-1] { // the last one's answer lost
		answered = append(answered, Outcome{ChangeID: c.ID, Seq: c.Seq})
	}
	answered[0].Refused = "err.test_refused"
	if err := s.MarkPushed(ctx, answered); err != nil {
		t.Fatal(err)
	}
	last := batch[len(batch)-1]

	if _, err := s.RestoreFrom(ctx, backup.Path, dir); err != nil {
		t.Fatal(err)
	}
	pending, err := s.PendingChanges(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != last.ID {
		t.Errorf("%d changes queued after the restore; want only %s", len(pending), last.ID)
	}
	if refused, _ := s.Refused(ctx); len(refused) != 1 || refused[0].ID != batch[0].ID || refused[0].Refused != "err.test_refused" {
		t.Errorf("Refused() after the restore = %+v; want %s with its reason", refused, batch[0].ID)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE `+sqlSent); n != len(batch)-2 {
		t.Errorf("%d changes sent after the restore; want %d", n, len(batch)-2)
	}
}
