package rawstmt_test

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"
)

// Every text bound here is stored byte for byte as it was sent, whatever
// its bytes (NUL, invalid UTF-8, a few MiB of noise), beside ints and NULLs
// in any order (each text is bound at its own offset in one buffer), and it
// is the same value database/sql stores for the same string: read back
// through database/sql and, independently of any driver's reading, as
// SQLite's hex of it.
func TestExecStoresTheBytesSent(t *testing.T) {
	db := open(t)
	if _, err := db.Exec(`CREATE TABLE b (id INTEGER PRIMARY KEY, x TEXT, n INTEGER, y TEXT, z TEXT, w TEXT)`); err != nil {
		t.Fatal(err)
	}
	noise := make([]byte, 3<<20)
	r := rand.New(rand.NewPCG(7, 11))
	for i := range noise {
		noise[i] = byte(r.Uint32())
	}
	texts := []string{
		"", "a\x00b", "\x00", "\x00\x00tail", "\xff\xfe\xfd", "\x80", "\xc0\xaf", "\xed\xa0\x80", "董喆（D001）\x00\xff",
		"\U0001F600", strings.Repeat("长", 300_000), string(noise), "\x00" + string(noise[:1000]),
	}
	tx, c := inTx(t, db)
	st, err := c.Prepare(`INSERT INTO b (id, x, n, y, z, w) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		x, y, z string
		n       int64
	}
	var want []row
	for i := range texts {
		// Each text beside two others of other lengths, before and after an
		// int and a NULL: a wrong offset binds another's bytes.
		w := row{x: texts[i], y: texts[(i+1)%len(texts)], z: texts[(i+5)%len(texts)], n: int64(i) - 3}
		want = append(want, w)
		if _, err := st.Exec(int64(i+1), w.x, w.n, w.y, w.z, nil); err != nil {
			t.Fatalf("text %d: %v", i, err)
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	// database/sql writes the same strings into a second table, to compare
	// in SQL: SQLite's own comparison of the bytes.
	if _, err := db.Exec(`CREATE TABLE viasql (id INTEGER PRIMARY KEY, x TEXT, y TEXT, z TEXT)`); err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		if _, err := db.Exec(`INSERT INTO viasql VALUES (?, ?, ?, ?)`, i+1, w.x, w.y, w.z); err != nil {
			t.Fatal(err)
		}
	}
	var differ int
	if err := db.QueryRow(`SELECT count(*) FROM b JOIN viasql v USING (id) WHERE b.x IS NOT v.x OR b.y IS NOT v.y OR b.z IS NOT v.z
		OR typeof(b.x) <> 'text' OR typeof(b.y) <> 'text' OR typeof(b.z) <> 'text'`).Scan(&differ); err != nil || differ != 0 {
		t.Errorf("%d rows differ from what database/sql stores for the same strings (%v)", differ, err)
	}
	for i, w := range want {
		var x, y, z, hx string
		var n int64
		var nul []byte
		var wNull any
		if err := db.QueryRow(`SELECT x, n, y, z, hex(x), w, w IS NULL FROM b WHERE id = ?`, i+1).Scan(&x, &n, &y, &z, &hx, &nul, &wNull); err != nil {
			t.Fatal(err)
		}
		if x != w.x || y != w.y || z != w.z || n != w.n {
			t.Errorf("row %d: read back %q/%q/%q/%d, sent %q/%q/%q/%d", i, clip(x), clip(y), clip(z), n, clip(w.x), clip(w.y), clip(w.z), w.n)
		}
		if !strings.EqualFold(hx, hex.EncodeToString([]byte(w.x))) {
			t.Errorf("row %d: SQLite holds %s, sent %s", i, clip(hx), clip(hex.EncodeToString([]byte(w.x))))
		}
		if nul != nil || wNull != int64(1) {
			t.Errorf("row %d: a NULL stored as %q (IS NULL %v)", i, nul, wNull)
		}
	}
}

func clip(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}

// A value bound as text that SQLite's own functions see as the very bytes:
// length() of the blob, instr() of a NUL, and no copy of one text's bytes
// in another's place when the statement runs again with shorter ones.
func TestExecRebindsShorterTexts(t *testing.T) {
	db := open(t)
	if _, err := db.Exec(`CREATE TABLE r (id INTEGER PRIMARY KEY, a TEXT, b TEXT)`); err != nil {
		t.Fatal(err)
	}
	tx, c := inTx(t, db)
	st, err := c.Prepare(`INSERT INTO r (a, b) VALUES (?, ?) RETURNING length(CAST(a AS BLOB)), instr(CAST(b AS BLOB), x'00')`)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pairs := [][2]string{{strings.Repeat("x", 5000), strings.Repeat("y", 7000) + "\x00"}, {"ab", "\x00c"}, {"", ""}}
	for _, p := range pairs {
		if _, err := st.Exec(p[0], p[1]); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := tx.Query(`SELECT a, b, length(CAST(a AS BLOB)), length(CAST(b AS BLOB)) FROM r ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var a, b []byte
		var la, lb int
		if err := rows.Scan(&a, &b, &la, &lb); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, []byte(pairs[i][0])) || !bytes.Equal(b, []byte(pairs[i][1])) || la != len(pairs[i][0]) || lb != len(pairs[i][1]) {
			t.Errorf("pair %d: stored %d/%d bytes %q/%q, sent %q/%q", i, la, lb, clip(string(a)), clip(string(b)), clip(pairs[i][0]), clip(pairs[i][1]))
		}
	}
	if i != len(pairs) {
		t.Errorf("%d rows, want %d", i, len(pairs))
	}
}

// Prepare takes one statement: a second one after it, or anything after
// a NUL, is refused instead of never running (SQLite compiles only the
// first); a statement's own trailing semicolons and spaces are fine.
func TestPrepareRefusesASecondStatement(t *testing.T) {
	db := open(t)
	_, c := inTx(t, db)
	for _, q := range []string{
		`INSERT INTO t (name) VALUES (?); DELETE FROM t`,
		"INSERT INTO t (name) VALUES (?)\x00; DELETE FROM t",
		`INSERT INTO t (name) VALUES (?);INSERT INTO t (name) VALUES ('x')`,
	} {
		if st, err := c.Prepare(q); err == nil {
			st.Close()
			t.Errorf("%q was taken", q)
		}
	}
	for _, q := range []string{`INSERT INTO t (name) VALUES (?)`, "INSERT INTO t (name) VALUES (?);", "INSERT INTO t (name) VALUES (?) ;\n\t;; "} {
		st, err := c.Prepare(q)
		if err != nil {
			t.Errorf("%q: %v", q, err)
			continue
		}
		if _, err := st.Exec(q); err != nil {
			t.Errorf("%q: %v", q, err)
		}
		st.Close()
	}
}
