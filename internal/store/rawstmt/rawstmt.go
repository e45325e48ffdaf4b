// Package rawstmt runs a prepared SQLite statement, binding every parameter
// and stepping it, in one call into SQLite's C code.
//
// Through database/sql and mattn/go-sqlite3 each parameter is bound by a
// cgo call of its own, and each call passes the Go scheduler's gate twice:
// a change HQ applies binds 23 values for its two INSERTs, so a first sync
// of 100,000 changes made some three million calls, and the Go side of
// those two statements cost about as much as SQLite's b-tree work in them.
// Here the values are copied into one buffer and bound in C.
//
// It also turns SQLite's memory statistics off for the whole process
// (before SQLite starts), as SQLite recommends for speed: every allocation
// took a global mutex to count them.
//
// SQLite is mattn/go-sqlite3's (the same library, linked once): importing
// this package registers, for every connection opened after, an SQL
// function kaohe_handle() (SQLite's sqlite3_auto_extension) that tells a
// caller holding the connection, inside its transaction, which connection
// it is, so statements prepared here run on the connection database/sql
// gave it, in its transaction.
package rawstmt

/*
#include <stdint.h>
#include <stdlib.h>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
typedef struct sqlite3_context sqlite3_context;
typedef struct sqlite3_value sqlite3_value;

extern int sqlite3_config(int, ...);
extern long long sqlite3_memory_used(void);
extern int sqlite3_auto_extension(void (*)(void));
extern int sqlite3_create_function_v2(sqlite3 *, const char *, int, int, void *,
	void (*)(sqlite3_context *, int, sqlite3_value **),
	void (*)(sqlite3_context *, int, sqlite3_value **),
	void (*)(sqlite3_context *), void (*)(void *));
extern void sqlite3_result_int64(sqlite3_context *, long long);
extern sqlite3 *sqlite3_context_db_handle(sqlite3_context *);
extern int sqlite3_prepare_v3(sqlite3 *, const char *, int, unsigned int, sqlite3_stmt **, const char **);
extern int sqlite3_bind_text(sqlite3_stmt *, int, const char *, int, void (*)(void *));
extern int sqlite3_bind_int64(sqlite3_stmt *, int, long long);
extern int sqlite3_bind_null(sqlite3_stmt *, int);
extern int sqlite3_bind_parameter_count(sqlite3_stmt *);
extern int sqlite3_step(sqlite3_stmt *);
extern int sqlite3_reset(sqlite3_stmt *);
extern int sqlite3_clear_bindings(sqlite3_stmt *);
extern int sqlite3_changes(sqlite3 *);
extern long long sqlite3_last_insert_rowid(sqlite3 *);
extern int sqlite3_finalize(sqlite3_stmt *);
extern const char *sqlite3_errmsg(sqlite3 *);
extern sqlite3 *sqlite3_db_handle(sqlite3_stmt *);

#define KH_CONFIG_MEMSTATUS 9
#define KH_UTF8 1
#define KH_DETERMINISTIC 0x000000800
#define KH_DIRECTONLY 0x000080000
#define KH_PERSISTENT 0x01
#define KH_DONE 101
#define KH_ROW 100

static void kh_handle(sqlite3_context *ctx, int n, sqlite3_value **v) {
	sqlite3_result_int64(ctx, (long long)(intptr_t)sqlite3_context_db_handle(ctx));
}

// Direct only: no view, trigger or schema can call it.
static int kh_init(sqlite3 *db, const char **err, const void *api) {
	return sqlite3_create_function_v2(db, "kaohe_handle", 0, KH_UTF8 | KH_DIRECTONLY, 0, kh_handle, 0, 0, 0);
}

// Before anything initializes SQLite (sqlite3_auto_extension does): no
// statistics of its memory, which cost a global mutex at every allocation
// (SQLite's recommended SQLITE_DEFAULT_MEMSTATUS=0, which mattn/go-sqlite3
// does not build with). Nothing here reads them.
static int kh_register(void) {
	sqlite3_config(KH_CONFIG_MEMSTATUS, 0);
	return sqlite3_auto_extension((void (*)(void))kh_init);
}

static long long kh_memory_used(void) { return sqlite3_memory_used(); }

// kh_prepare compiles the first statement of sql; *used is the bytes it
// took (what follows is another statement, or nothing).
static int kh_prepare(uintptr_t db, const char *sql, int n, sqlite3_stmt **st, int *used) {
	const char *tail = 0;
	int rc = sqlite3_prepare_v3((sqlite3 *)db, sql, n, KH_PERSISTENT, st, &tail);
	*used = tail ? (int)(tail - sql) : n;
	return rc;
}

static int kh_params(sqlite3_stmt *st) { return sqlite3_bind_parameter_count(st); }

// kh_exec binds n values (kinds[i]: 0 NULL, 1 ints[i], 2 the next lens[i]
// bytes of buf as text), steps the statement to its end and resets it.
// The text is bound without a copy: it is released before the call returns.
static int kh_exec(sqlite3_stmt *st, int n, const unsigned char *kinds, const long long *ints,
	const char *buf, const int *lens, long long *out) {
	int off = 0, rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		switch (kinds[i]) {
		case 0: rc = sqlite3_bind_null(st, i + 1); break;
		case 1: rc = sqlite3_bind_int64(st, i + 1, ints[i]); break;
		default: rc = sqlite3_bind_text(st, i + 1, buf + off, lens[i], 0); off += lens[i]; break;
		}
	}
	if (rc == 0) {
		do {
			rc = sqlite3_step(st);
		} while (rc == KH_ROW);
	}
	sqlite3 *db = sqlite3_db_handle(st);
	if (rc == KH_DONE) {
		out[0] = sqlite3_changes(db);
		out[1] = sqlite3_last_insert_rowid(db);
		rc = 0;
	}
	int rrc = sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc ? rrc ? rrc : rc : 0;
}

static const char *kh_errmsg(sqlite3_stmt *st) { return sqlite3_errmsg(sqlite3_db_handle(st)); }
static const char *kh_db_errmsg(uintptr_t db) { return sqlite3_errmsg((sqlite3 *)db); }
static int kh_finalize(sqlite3_stmt *st) { return sqlite3_finalize(st); }
*/
import "C"

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"unsafe"

	_ "github.com/mattn/go-sqlite3" // the SQLite whose C functions this package calls
)

// sqliteTooBig is SQLite's SQLITE_TOOBIG: a string or blob over its limits.
const sqliteTooBig = 18

func init() {
	if rc := C.kh_register(); rc != 0 {
		panic(fmt.Sprintf("rawstmt: sqlite3_auto_extension: %d", rc))
	}
}

// memoryUsed is SQLite's count of the memory it holds: 0 while its
// statistics are off.
func memoryUsed() int64 { return int64(C.kh_memory_used()) }

// Conn is one SQLite connection, as its kaohe_handle() names it. Use it
// only while holding the connection (inside its transaction): SQLite
// serializes the calls, but the statements run in whatever transaction the
// connection is in.
type Conn uintptr

// Querier is what Handle asks: a *sql.Tx, *sql.Conn.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Handle names the connection q runs on.
func Handle(ctx context.Context, q Querier) (Conn, error) {
	var h int64
	if err := q.QueryRowContext(ctx, `SELECT kaohe_handle()`).Scan(&h); err != nil {
		return 0, fmt.Errorf("rawstmt: the connection's handle: %w", err)
	}
	if h == 0 {
		return 0, errors.New("rawstmt: no handle")
	}
	return Conn(h), nil
}

// Error is SQLite's refusal of a statement.
type Error struct {
	Code int // SQLite's (extended) result code
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("sqlite %d: %s", e.Code, e.Msg) }

// Stmt is a statement prepared on one connection. Finalize it (Close)
// before the connection closes: until then SQLite keeps the connection
// open.
type Stmt struct {
	st     *C.sqlite3_stmt
	params int
	kinds  []byte
	ints   []int64
	lens   []int32
	buf    []byte
	tooBig bool // the texts given since the last run are past a C int
	// What kh_exec reports (changes, last rowid): kept here, for a local
	// whose address goes to C is allocated on the heap at every Run.
	out [2]C.longlong
}

// Prepare compiles query on the connection.
func (c Conn) Prepare(query string) (*Stmt, error) {
	q := C.CString(query)
	defer C.free(unsafe.Pointer(q))
	var st *C.sqlite3_stmt
	var used C.int
	if rc := C.kh_prepare(C.uintptr_t(c), q, C.int(len(query)), &st, &used); rc != 0 {
		msg := C.GoString(C.kh_db_errmsg(C.uintptr_t(c)))
		if st != nil {
			C.kh_finalize(st)
		}
		return nil, &Error{Code: int(rc), Msg: msg}
	}
	if st == nil {
		return nil, errors.New("rawstmt: an empty statement")
	}
	// One statement: SQLite compiles only the first, and what follows (a
	// second statement, or anything after a NUL) would never run.
	if rest := strings.Trim(query[int(used):], " \t\r\n\f\v;"); rest != "" {
		C.kh_finalize(st)
		return nil, fmt.Errorf("rawstmt: more than one statement: %.40q", rest)
	}
	return &Stmt{st: st, params: int(C.kh_params(st))}, nil
}

// Result is what a statement did: the rows it changed, and the rowid of
// the last row inserted on the connection.
type Result struct {
	Changes  int64
	InsertID int64
}

// Exec runs the statement with args (nil, int, int64, bool, string: one
// for each of its parameters) to its end.
func (s *Stmt) Exec(args ...any) (Result, error) {
	if err := s.bindArgs(args); err != nil {
		return Result{}, err
	}
	return s.Run()
}

// bindArgs binds args (nil, int, int64, bool, string) from the first
// parameter on; on a value of another type it binds nothing.
func (s *Stmt) bindArgs(args []any) error {
	s.reset()
	for i, a := range args {
		switch v := a.(type) {
		case nil:
			s.Null()
		case int64:
			s.Int(v)
		case int:
			s.Int(int64(v))
		case bool:
			n := int64(0)
			if v {
				n = 1
			}
			s.Int(n)
		case string:
			s.Text(v)
		default:
			s.reset()
			return fmt.Errorf("rawstmt: argument %d: %T is not bound here", i+1, a)
		}
	}
	return nil
}

// Text, Int and Null give the statement's next parameter its value, for
// Run; they box nothing, unlike Exec's arguments.
func (s *Stmt) Text(v string) *Stmt { return s.add(2, 0, v) }

// TextBytes is Text of b, copied as Text copies a string: the caller
// need not make a string of it first.
func (s *Stmt) TextBytes(b []byte) *Stmt {
	return s.add(2, 0, unsafe.String(unsafe.SliceData(b), len(b)))
}

// Int: see Text.
func (s *Stmt) Int(v int64) *Stmt { return s.add(1, v, "") }

// Null: see Text.
func (s *Stmt) Null() *Stmt { return s.add(0, 0, "") }

func (s *Stmt) add(kind byte, n int64, text string) *Stmt {
	// kh_exec takes the texts' lengths and offsets in buf as C ints: past
	// them a length wrapped negative (SQLite then read up to a NUL) and
	// the next offsets pointed before buf. Not copied; Run refuses.
	if len(text) > math.MaxInt32-1-len(s.buf) {
		s.tooBig, text = true, ""
	}
	s.kinds = append(s.kinds, kind)
	s.ints = append(s.ints, n)
	s.lens = append(s.lens, int32(len(text)))
	s.buf = append(s.buf, text...)
	return s
}

func (s *Stmt) reset() {
	s.kinds, s.ints, s.lens, s.buf = s.kinds[:0], s.ints[:0], s.lens[:0], s.buf[:0]
	s.tooBig = false
}

// Run runs the statement, with the values Text, Int and Null gave its
// parameters since the last run, to its end.
func (s *Stmt) Run() (Result, error) {
	defer s.reset()
	if s.st == nil {
		return Result{}, errors.New("rawstmt: statement closed")
	}
	n := len(s.kinds)
	if n != s.params {
		return Result{}, fmt.Errorf("rawstmt: %d values for %d parameters", n, s.params)
	}
	if s.tooBig {
		return Result{}, &Error{Code: sqliteTooBig, Msg: fmt.Sprintf("rawstmt: over %d bytes of text", math.MaxInt32-1)}
	}
	if n == 0 {
		s.add(0, 0, "")
	}
	s.buf = append(s.buf, 0) // never empty: its address is passed
	rc := C.kh_exec(s.st, C.int(n), (*C.uchar)(unsafe.Pointer(&s.kinds[0])), (*C.longlong)(unsafe.Pointer(&s.ints[0])),
		(*C.char)(unsafe.Pointer(&s.buf[0])), (*C.int)(unsafe.Pointer(&s.lens[0])), &s.out[0])
	if rc != 0 {
		return Result{}, &Error{Code: int(rc), Msg: C.GoString(C.kh_errmsg(s.st))}
	}
	return Result{Changes: int64(s.out[0]), InsertID: int64(s.out[1])}, nil
}

// Close finalizes the statement.
func (s *Stmt) Close() error {
	if s.st == nil {
		return nil
	}
	C.kh_finalize(s.st)
	s.st = nil
	return nil
}
