#!/bin/sh
# test-on-day.sh DAY [go test arguments…]
#
# Runs go test with the Go wall clock of every test process (and of every
# program the tests build and start) moved to DAY (YYYY-MM-DD, 10:00 UTC),
# to check that no test depends on the machine's year or day:
#
#   scripts/test-on-day.sh 2028-03-15 -count=1 ./sync/... ./cmd/...
#
# faketime/libfaketime cannot do this for Go: Go reads the clock through the
# vDSO, not libc. Instead the standard library's time.Now is built with an
# offset (an -overlay of GOROOT/src/time: one line in Now, one file reading
# FAKE_UNIX_NOW), set through GOFLAGS so that the `go build` a test runs gets
# it too. The monotonic clock is untouched (timeouts and durations are
# real). Everything is compiled once more for it (the build cache keeps it;
# the first run takes minutes more).
set -eu
day=${1:?usage: test-on-day.sh YYYY-MM-DD [go test args]}
shift
goroot=$(go env GOROOT)
# One folder for it, kept: the same overlay files again let the build cache
# serve the second run.
dir=${TMPDIR:-/tmp}/kaohe-test-on-day
mkdir -p "$dir"
python3 - "$goroot" "$dir" <<'EOF'
import json, sys
goroot, d = sys.argv[1], sys.argv[2]
src = open(goroot + "/src/time/time.go").read()
old = "func Now() Time {\n\tsec, nsec, mono := runtimeNow()\n"
if old not in src:
    sys.exit("test-on-day: time.Now of this Go version is not the one expected")
open(d + "/time.go", "w").write(src.replace(old, old + "\tsec += fakeShift\n"))
open(d + "/fakeshift.go", "w").write('''package time

import "syscall"

// fakeShift moves the wall clock so that the process starts at
// FAKE_UNIX_NOW (seconds since 1970): test-on-day.sh.
var fakeShift = func() int64 {
	v, _ := syscall.Getenv("FAKE_UNIX_NOW")
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	if n == 0 {
		return 0
	}
	sec, _, _ := runtimeNow()
	return n - sec
}()
''')
json.dump({"Replace": {goroot + "/src/time/time.go": d + "/time.go",
                       goroot + "/src/time/fakeshift.go": d + "/fakeshift.go"}},
          open(d + "/overlay.json", "w"))
EOF
FAKE_UNIX_NOW=$(date -u -d "$day 10:00" +%s)
export FAKE_UNIX_NOW
GOFLAGS="${GOFLAGS:+$GOFLAGS }-overlay=$dir/overlay.json"
export GOFLAGS
# The clock really moved (a probe built the same way says its year).
mkdir -p "$dir/probe"
cat >"$dir/probe/probe_test.go" <<'EOF'
package probe

import (
	"os"
	"testing"
	"time"
)

func TestYear(t *testing.T) {
	if got, want := time.Now().UTC().Format("2006-01-02"), os.Getenv("WANT_DAY"); got != want {
		t.Fatalf("the clock says %s, not %s: the overlay did not take", got, want)
	}
}
EOF
printf 'module probe\n\ngo 1.21\n' >"$dir/probe/go.mod"
(cd "$dir/probe" && WANT_DAY="$day" go test -count=1 . >/dev/null) || { echo "test-on-day: the clock did not move" >&2; exit 1; }
echo "test-on-day: Go's clock reads $day" >&2
go test "$@"
