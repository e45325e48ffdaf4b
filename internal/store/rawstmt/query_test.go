package rawstmt_test

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"kaohe/internal/store/rawstmt"
)

// What Query reads is what database/sql reads of the same rows, texts of
// any bytes (NUL, invalid UTF-8, empty, large), integers at their limits,
// blobs and NULLs, in the rows' order, including rows the transaction wrote
// and has not committed.
func TestQueryReadsWhatDatabaseSQLReads(t *testing.T) {
	db := open(t)
	if _, err := db.Exec(`CREATE TABLE q (id INTEGER PRIMARY KEY, s TEXT NOT NULL, n INTEGER, b BLOB NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	texts := []string{"", "a\x00b", "董喆（D001）", "\xff\xfe", strings.Repeat("长", 100_000), `{"id":"x"}`}
	ints := []int64{0, -1, 1, math.MaxInt64, math.MinInt64, 1 << 40}
	tx, c := inTx(t, db)
	for i := range 40 {
		var n any
		if i%7 != 6 {
			n = ints[i%len(ints)]
		}
		b := []byte(fmt.Sprint("blob\x00", i))
		if i%9 == 0 {
			b = []byte{}
		}
		if _, err := tx.Exec(`INSERT INTO q (id, s, n, b) VALUES (?, ?, ?, ?)`, i+1, texts[i%len(texts)], n, b); err != nil {
			t.Fatal(err)
		}
	}
	st, err := c.Prepare(`SELECT id, s, n, b, s FROM q WHERE id > ? AND id <= ? ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for round := range 2 { // the statement runs again, reset
		rows, err := st.Query(3, int64(38))
		if err != nil {
			t.Fatal(err)
		}
		want, err := tx.Query(`SELECT id, s, n, b FROM q WHERE id > ? AND id <= ? ORDER BY id`, 3, 38)
		if err != nil {
			t.Fatal(err)
		}
		if rows.Len() != 35 {
			t.Fatalf("%d rows; want 35", rows.Len())
		}
		read := 0
		for rows.Next() {
			if !want.Next() {
				t.Fatal("more rows than database/sql reads")
			}
			var id int64
			var s string
			var n sql.NullInt64
			var b []byte
			if err := want.Scan(&id, &s, &n, &b); err != nil {
				t.Fatal(err)
			}
			gid, gs := rows.Int(), rows.Text()
			gn, ok := rows.NullInt()
			gb, gs2 := rows.Bytes(), rows.Bytes()
			if gid != id || gs != s || gn != n.Int64 || ok != n.Valid || !bytes.Equal(gb, b) || string(gs2) != s {
				t.Fatalf("round %d row %d: read %d %.20q %d/%v %q; database/sql %d %.20q %v %q", round, read, gid, gs, gn, ok, gb, id, s, n, b)
			}
			read++
		}
		if err := rows.Err(); err != nil || read != 35 || want.Next() {
			t.Fatalf("round %d: %d rows read (%v)", round, read, err)
		}
		want.Close()
	}
}

// A value read as what it is not, a value past the row's last, or a row
// left before its end is an error, not a zero; an empty result is no row
// and no error; SQLite's refusal of a statement while stepping it is an
// Error, and the statement runs again after it.
func TestQueryRefusesMisreads(t *testing.T) {
	db := open(t)
	_, c := inTx(t, db)
	st, err := c.Prepare(`SELECT 'a', NULL, 7 WHERE ? = 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for name, read := range map[string]func(r *rawstmt.Rows){
		"a text as an int": func(r *rawstmt.Rows) { r.Int() },
		"a NULL as a text": func(r *rawstmt.Rows) { r.Text(); r.Text() },
		"an int as bytes":  func(r *rawstmt.Rows) { r.Text(); r.NullInt(); r.Bytes() },
		"past the last":    func(r *rawstmt.Rows) { r.Text(); r.NullInt(); r.Int(); r.Int() },
		"a row left short": func(r *rawstmt.Rows) { r.Text() },
	} {
		rows, err := st.Query(1)
		if err != nil {
			t.Fatal(err)
		}
		if !rows.Next() {
			t.Fatalf("%s: no row", name)
		}
		read(rows)
		if rows.Next() || rows.Err() == nil {
			t.Errorf("%s: no error", name)
		}
	}
	rows, err := st.Query(0)
	if err != nil || rows.Len() != 0 || rows.Next() || rows.Err() != nil {
		t.Errorf("an empty result: %d rows, %v, %v", rows.Len(), err, rows.Err())
	}
	ov, err := c.Prepare(`SELECT abs(?)`)
	if err != nil {
		t.Fatal(err)
	}
	defer ov.Close()
	var se *rawstmt.Error
	if _, err := ov.Query(int64(math.MinInt64)); !errors.As(err, &se) || !strings.Contains(se.Msg, "overflow") {
		t.Errorf("abs(MinInt64): %v; want SQLite's integer overflow", err)
	}
	if rows, err := ov.Query(-3); err != nil || !rows.Next() || rows.Int() != 3 {
		t.Errorf("after the refusal: %v", err)
	}
	if _, err := ov.Query(1, 2); err == nil {
		t.Error("two values for one parameter: no error")
	}
}
