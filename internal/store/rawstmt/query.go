package rawstmt

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;

extern int sqlite3_bind_text(sqlite3_stmt *, int, const char *, int, void (*)(void *));
extern int sqlite3_bind_int64(sqlite3_stmt *, int, long long);
extern int sqlite3_bind_null(sqlite3_stmt *, int);
extern int sqlite3_step(sqlite3_stmt *);
extern int sqlite3_reset(sqlite3_stmt *);
extern int sqlite3_clear_bindings(sqlite3_stmt *);
extern int sqlite3_column_count(sqlite3_stmt *);
extern int sqlite3_column_type(sqlite3_stmt *, int);
extern long long sqlite3_column_int64(sqlite3_stmt *, int);
extern double sqlite3_column_double(sqlite3_stmt *, int);
extern const unsigned char *sqlite3_column_text(sqlite3_stmt *, int);
extern const void *sqlite3_column_blob(sqlite3_stmt *, int);
extern int sqlite3_column_bytes(sqlite3_stmt *, int);
extern const char *sqlite3_errmsg(sqlite3 *);
extern sqlite3 *sqlite3_db_handle(sqlite3_stmt *);

#define KQ_ROW 100
#define KQ_DONE 101
#define KQ_NOMEM 7
#define KQ_TOOBIG 18

typedef struct { char *p; size_t n, cap; } kq_buf;

static int kq_grow(kq_buf *b, size_t more) {
	if (b->n + more <= b->cap) return 0;
	size_t cap = b->cap ? b->cap : 65536;
	while (cap < b->n + more) cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) return KQ_NOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

// kq_query binds n values as kh_exec does (kinds[i]: 0 NULL, 1 ints[i],
// 2 the next lens[i] bytes of buf as text), steps the statement through
// every row and packs the rows into *out (malloc'd, *outlen bytes: the
// caller frees it): for each value one byte of SQLite's type (1 integer,
// 2 float, 3 text, 4 blob, 5 NULL), then 8 bytes of an integer or a float,
// or 4 bytes of length and the bytes of a text or blob, in the machine's
// order. *rows is the rows read, *cols the statement's columns. It resets
// the statement.
static int kq_query(sqlite3_stmt *st, int n, const unsigned char *kinds, const long long *ints,
	const char *buf, const int *lens, char **out, long long *outlen, long long *rows, int *cols) {
	int off = 0, rc = 0;
	kq_buf b = {0, 0, 0};
	*rows = 0;
	*cols = sqlite3_column_count(st);
	for (int i = 0; i < n && rc == 0; i++) {
		switch (kinds[i]) {
		case 0: rc = sqlite3_bind_null(st, i + 1); break;
		case 1: rc = sqlite3_bind_int64(st, i + 1, ints[i]); break;
		default: rc = sqlite3_bind_text(st, i + 1, buf + off, lens[i], 0); off += lens[i]; break;
		}
	}
	while (rc == 0 && (rc = sqlite3_step(st)) == KQ_ROW) {
		rc = 0;
		for (int c = 0; c < *cols && rc == 0; c++) {
			int t = sqlite3_column_type(st, c);
			if (t == 1 || t == 2) {
				if ((rc = kq_grow(&b, 9))) break;
				b.p[b.n++] = (char)t;
				if (t == 1) {
					long long v = sqlite3_column_int64(st, c);
					memcpy(b.p + b.n, &v, 8);
				} else {
					double v = sqlite3_column_double(st, c);
					memcpy(b.p + b.n, &v, 8);
				}
				b.n += 8;
			} else if (t == 3 || t == 4) {
				const void *v = t == 3 ? (const void *)sqlite3_column_text(st, c) : sqlite3_column_blob(st, c);
				int len = sqlite3_column_bytes(st, c);
				if (len > 0 && !v) { rc = KQ_NOMEM; break; }
				if ((rc = kq_grow(&b, 5 + (size_t)len))) break;
				b.p[b.n++] = (char)t;
				int32_t l = len;
				memcpy(b.p + b.n, &l, 4);
				b.n += 4;
				if (len > 0) memcpy(b.p + b.n, v, len);
				b.n += len;
			} else {
				if ((rc = kq_grow(&b, 1))) break;
				b.p[b.n++] = 5;
			}
		}
		if (rc == 0 && b.n > 0x7fffffff) rc = KQ_TOOBIG; // Go copies it with a C int
		if (rc == 0) (*rows)++;
	}
	if (rc == KQ_DONE) rc = 0;
	int rrc = sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == 0 && rrc != 0) rc = rrc;
	if (rc != 0) {
		free(b.p);
		b.p = 0;
		b.n = 0;
	}
	*out = b.p;
	*outlen = (long long)b.n;
	return rc;
}

static const char *kq_errmsg(sqlite3_stmt *st) { return sqlite3_errmsg(sqlite3_db_handle(st)); }
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unsafe"
)

// Query runs the statement with args (as Exec takes them) and returns
// every row it gives, read in one call into SQLite: through database/sql
// each value of each row is a call of its own, and each text a string
// allocated and boxed.
func (s *Stmt) Query(args ...any) (*Rows, error) {
	if err := s.bindArgs(args); err != nil {
		return nil, err
	}
	defer s.reset()
	if s.st == nil {
		return nil, errors.New("rawstmt: statement closed")
	}
	n := len(s.kinds)
	if n != s.params {
		return nil, fmt.Errorf("rawstmt: %d values for %d parameters", n, s.params)
	}
	if s.tooBig {
		return nil, &Error{Code: sqliteTooBig, Msg: fmt.Sprintf("rawstmt: over %d bytes of text", math.MaxInt32-1)}
	}
	if n == 0 {
		s.add(0, 0, "")
	}
	s.buf = append(s.buf, 0) // never empty: its address is passed
	var out *C.char
	var outLen, rows C.longlong
	var cols C.int
	rc := C.kq_query(s.st, C.int(n), (*C.uchar)(unsafe.Pointer(&s.kinds[0])), (*C.longlong)(unsafe.Pointer(&s.ints[0])),
		(*C.char)(unsafe.Pointer(&s.buf[0])), (*C.int)(unsafe.Pointer(&s.lens[0])), &out, &outLen, &rows, &cols)
	if rc != 0 {
		return nil, &Error{Code: int(rc), Msg: C.GoString(C.kq_errmsg(s.st))}
	}
	var data []byte
	if out != nil {
		data = C.GoBytes(unsafe.Pointer(out), C.int(outLen))
		C.free(unsafe.Pointer(out))
	}
	return &Rows{data: data, text: string(data), rows: int(rows), cols: int(cols)}, nil
}

// Rows are the rows a Query read, each value in turn: Next goes to the
// next row, and Int, Text, Bytes and Null read its values in their order.
// A value read as what it is not (a text as an int, a NULL as a text)
// makes Err say so.
type Rows struct {
	data []byte
	text string // data as a string: texts are slices of it, not copies
	rows int    // rows read
	cols int
	row  int // rows begun
	col  int // values read of the row
	i    int // the next value's offset
	err  error
}

// Len is how many rows there are.
func (r *Rows) Len() int { return r.rows }

// Next goes to the next row; false when there is none (or a row was not
// read to its end, or a value was read as what it is not).
func (r *Rows) Next() bool {
	if r.err == nil && r.row > 0 && r.col != r.cols {
		r.err = fmt.Errorf("rawstmt: row %d: %d of %d values read", r.row, r.col, r.cols)
	}
	if r.err != nil || r.row == r.rows {
		return false
	}
	r.row++
	r.col = 0
	return true
}

// Err is the first misread of a value.
func (r *Rows) Err() error { return r.err }

// next returns the next value's type and its payload's span.
func (r *Rows) next(want ...byte) (byte, int, int) {
	if r.err != nil {
		return 0, 0, 0
	}
	if r.row == 0 || r.col == r.cols || r.i >= len(r.data) {
		r.err = fmt.Errorf("rawstmt: row %d: no value %d", r.row, r.col+1)
		return 0, 0, 0
	}
	t := r.data[r.i]
	start := r.i + 1
	var end int
	switch t {
	case 1, 2:
		end = start + 8
	case 3, 4:
		end = start + 4 + int(binary.NativeEndian.Uint32(r.data[start:]))
		start += 4
	default:
		end = start
	}
	for _, w := range want {
		if t == w {
			r.i = end
			r.col++
			return t, start, end
		}
	}
	r.err = fmt.Errorf("rawstmt: row %d value %d: type %d, not %v", r.row, r.col+1, t, want)
	return 0, 0, 0
}

// Int reads an integer.
func (r *Rows) Int() int64 {
	if t, a, _ := r.next(1); t == 1 {
		return int64(binary.NativeEndian.Uint64(r.data[a:]))
	}
	return 0
}

// NullInt reads an integer or a NULL (0, false).
func (r *Rows) NullInt() (int64, bool) {
	if t, a, _ := r.next(1, 5); t == 1 {
		return int64(binary.NativeEndian.Uint64(r.data[a:])), true
	}
	return 0, false
}

// Text reads a text, as a slice of the rows' one string.
func (r *Rows) Text() string {
	if t, a, b := r.next(3); t == 3 {
		return r.text[a:b]
	}
	return ""
}

// Bytes reads a text or a blob, as a slice of the rows' buffer (its
// capacity ends with it: an append copies).
func (r *Rows) Bytes() []byte {
	if t, a, b := r.next(3, 4); t != 0 {
		return r.data[a:b:b]
	}
	return nil
}
