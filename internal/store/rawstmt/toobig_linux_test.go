package rawstmt_test

import (
	"errors"
	"math"
	"syscall"
	"testing"
	"unsafe"

	"kaohe/internal/store/rawstmt"
)

// hugeText is a text of n bytes whose memory is never touched (pages of
// zeros the kernel maps only if read): a text past 2 GiB costs nothing as
// long as nothing copies it.
func hugeText(t *testing.T, n int) string {
	t.Helper()
	m, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		t.Skipf("no %d bytes of address space: %v", n, err)
	}
	t.Cleanup(func() { syscall.Munmap(m) })
	return unsafe.String(&m[0], n)
}

// Texts past what a C int counts are refused, the one that goes past
// never copied, as SQLite refuses a text over its limit (SQLITE_TOOBIG),
// and nothing is stored: a length wrapped to a negative number made SQLite
// read the text up to its first NUL (here: stored "", a silent loss), and
// offsets past 2 GiB pointed before the buffer. The statement stays
// usable.
func TestExecRefusesTextsPastACInt(t *testing.T) {
	db := open(t)
	tx, c := inTx(t, db)
	st, err := c.Prepare(`INSERT INTO t (name, n, note) VALUES (?, ?, ? || ? || ? || ? || ?)`)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	big := hugeText(t, math.MaxInt32+16)
	most := big[:math.MaxInt32-2] // fits alone; two bytes before it, the offsets do not
	for _, args := range [][]any{{big, 1, nil, nil, nil, nil, nil}, {"xy", 2, most, nil, nil, nil, nil}} {
		var se *rawstmt.Error
		if _, err := st.Exec(args...); !errors.As(err, &se) || se.Code != 18 { // SQLITE_TOOBIG
			t.Errorf("%d bytes of text: %v; want SQLite's too big", textBytes(args), err)
		}
	}
	// The same given one by one, as HQ's writes give them.
	var se *rawstmt.Error
	if _, err := st.Text("xy").Int(3).Text(most).Null().Null().Null().Null().Run(); !errors.As(err, &se) || se.Code != 18 {
		t.Errorf("given one by one, %d bytes of text: %v; want SQLite's too big", len(most)+2, err)
	}
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d rows stored from texts refused (%v)", n, err)
	}
	if res, err := st.Exec("after", 3, "x", "y", "", nil, "z"); err != nil || res.Changes != 1 {
		t.Errorf("after the refusals: %+v %v", res, err)
	}
}

func textBytes(args []any) (n int) {
	for _, a := range args {
		s, _ := a.(string)
		n += len(s)
	}
	return n
}
