package rawstmt_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"kaohe/internal/store/rawstmt"
	"kaohe/internal/store/sqliteuri"
)

var ctx = context.Background()

func open(t *testing.T) *sql.DB {
	t.Helper()
	// Not t.TempDir: these tests also run under wine (.ci/windows), where
	// its removal fails ("unlinkat … Invalid function").
	dir, err := os.MkdirTemp("", "kaohe-rawstmt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	db, err := sql.Open("sqlite3", sqliteuri.File(filepath.Join(dir, "t.db"))+"?_journal_mode=WAL&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER, note TEXT) STRICT`); err != nil {
		t.Fatal(err)
	}
	return db
}

// inTx begins a transaction on db (rolled back at the test's end, if it
// is still open) and names its connection.
func inTx(t *testing.T, db *sql.DB) (*sql.Tx, rawstmt.Conn) {
	t.Helper()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
	c, err := rawstmt.Handle(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	return tx, c
}

// What a statement run here stores is what database/sql reads back, text
// with NUL bytes and Chinese included, and it is part of the transaction
// it ran in: a rollback takes it back.
func TestExecRunsInTheTransaction(t *testing.T) {
	db := open(t)
	tx, c := inTx(t, db)
	st, err := c.Prepare(`INSERT INTO t (name, n, note) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	names := []string{"董喆（D001）", "a\x00b", "", strings.Repeat("长", 100_000)}
	for i, name := range names {
		var note any
		if i%2 == 0 {
			note = "备注"
		}
		res, err := st.Exec(name, int64(i)-2, note)
		if err != nil {
			t.Fatal(err)
		}
		if res.Changes != 1 || res.InsertID != int64(i+1) {
			t.Errorf("insert %d: %+v", i, res)
		}
	}
	if res, err := st.Exec(names[0], 9, nil); err != nil || res.Changes != 0 {
		t.Errorf("a name taken: %+v %v; want nothing changed", res, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT name, n, note FROM t ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var name string
		var n int64
		var note sql.NullString
		if err := rows.Scan(&name, &n, &note); err != nil {
			t.Fatal(err)
		}
		if name != names[i] || n != int64(i)-2 || note.Valid != (i%2 == 0) || (note.Valid && note.String != "备注") {
			t.Errorf("row %d: %q %d %v", i, name[:min(len(name), 20)], n, note)
		}
	}
	if i != len(names) {
		t.Errorf("%d rows, want %d", i, len(names))
	}

	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := rawstmt.Handle(ctx, tx)
	if err != nil || c2 != c {
		t.Fatalf("the one connection named %v, then %v (%v)", c, c2, err)
	}
	if _, err := st.Exec("rolled back", true, nil); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM t WHERE name = 'rolled back'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("a rolled back insert: %d rows (%v)", n, err)
	}
}

// SQLite's refusals come back as errors and leave the statement usable; so
// do arguments it cannot take.
func TestExecRefusals(t *testing.T) {
	db := open(t)
	_, c := inTx(t, db)
	if _, err := c.Prepare(`INSERT INTO nowhere VALUES (?)`); err == nil || !strings.Contains(err.Error(), "nowhere") {
		t.Errorf("a statement on a missing table: %v", err)
	}
	st, err := c.Prepare(`INSERT INTO t (name, n) VALUES (?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var se *rawstmt.Error
	if _, err := st.Exec(nil, 1); !errors.As(err, &se) || se.Code&0xff != 19 { // SQLITE_CONSTRAINT
		t.Errorf("a NULL name: %v", err)
	}
	if _, err := st.Exec("x", "not a number"); !errors.As(err, &se) {
		t.Errorf("text into a STRICT integer: %v", err)
	}
	if _, err := st.Exec("x"); err == nil {
		t.Error("one argument for two parameters was taken")
	}
	if _, err := st.Exec("x", 1.5); err == nil {
		t.Error("a float was taken")
	}
	if _, err := st.Text("z").Run(); err == nil {
		t.Error("Run with one value for two parameters ran")
	}
	if res, err := st.Exec("x", 1); err != nil || res.Changes != 1 {
		t.Errorf("after the refusals: %+v %v", res, err)
	}
	if res, err := st.Text("w").Int(7).Run(); err != nil || res.Changes != 1 { // the values of a failed Run are gone
		t.Errorf("Text and Int: %+v %v", res, err)
	}
	st.Close()
	if _, err := st.Exec("y", 2); err == nil {
		t.Error("a closed statement ran")
	}
}

// kaohe_handle() answers only a direct call: no view, trigger or schema
// of a database file can reach it.
func TestHandleIsDirectOnly(t *testing.T) {
	db := open(t)
	if _, err := db.Exec(`CREATE VIEW v AS SELECT kaohe_handle() AS h`); err != nil {
		t.Fatal(err)
	}
	var h int64
	if err := db.QueryRow(`SELECT h FROM v`).Scan(&h); err == nil {
		t.Errorf("a view read the handle: %d", h)
	}
}

// TextBytes stores the bytes as Text stores the same string, an empty or
// nil slice as the empty text (never NULL), and the bytes are copied: the
// caller may change them before Run without changing what is stored.
func TestTextBytesIsText(t *testing.T) {
	db := open(t)
	tx, c := inTx(t, db)
	st, err := c.Prepare(`INSERT INTO t (name, note) VALUES (?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i, b := range [][]byte{[]byte(`{"名":"董喆"}`), []byte("a\x00b"), {}, nil} {
		name := string(rune('a' + i))
		before := string(b)
		st.Text(name).TextBytes(b)
		if len(b) > 0 {
			b[0] = 'X'
		}
		if _, err := st.Run(); err != nil {
			t.Fatal(err)
		}
		var note sql.NullString
		if err := tx.QueryRow(`SELECT note FROM t WHERE name = ?`, name).Scan(&note); err != nil {
			t.Fatal(err)
		}
		if !note.Valid || note.String != before {
			t.Errorf("%d: stored %+v, want %q", i, note, before)
		}
	}
}
