package main

import (
	"strings"
	"testing"

	"path/filepath"

	"kaohe/internal/cli"
	"kaohe/internal/kaohe"
)

// TestPeriodCommands: kaohe-hq period add publishes the standard periods of
// earlier years, once (a second run adds none), one of a kind or a range of
// years; period list shows them beside the new HQ's own; usage mistakes
// exit 2 and publish nothing.
func TestPeriodCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hq.db")
	count := func() int {
		t.Helper()
		out, err := hqCLI(t, "period", "list", "--db", db)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(out, "\n")
	}
	seeded := count() // a new HQ's: this year's, and last year's halves
	out, err := hqCLI(t, "period", "add", "--db", db, "--year", "2011")
	if err != nil || !strings.Contains(out, "已发布 18 个考核期") || !strings.Contains(out, "2011年上半年") {
		t.Fatalf("period add --year 2011: %q %v", out, err)
	}
	if out, err := hqCLI(t, "period", "add", "--db", db, "--year", "2011"); err != nil || !strings.Contains(out, "已发布 0 个考核期") || !strings.Contains(out, "已有的 18 个未改动") {
		t.Errorf("period add again: %q %v", out, err)
	}
	if out, err := hqCLI(t, "period", "add", "--db", db, "--year", "2009", "--to", "2010", "--kind", "half", "--index", "2"); err != nil || !strings.Contains(out, "已发布 2 个考核期") {
		t.Errorf("second halves of 2009-2010: %q %v", out, err)
	}
	if out, err := hqCLI(t, "period", "add", "--db", db, "--year", "2008", "--kind", "year"); err != nil || !strings.Contains(out, "2008年度") {
		t.Errorf("the year 2008: %q %v", out, err)
	}
	if got := count(); got != seeded+18+2+1 {
		t.Errorf("period list shows %d; want %d", got, seeded+21)
	}
	out, _ = hqCLI(t, "period", "list", "--db", db)
	for _, want := range []string{"2009-H2\t2009年下半年\t2009-07-01\t2009-12-31\t有效", "2011-M02\t2011年2月", "2008-Y\t2008年度"} {
		if !strings.Contains(out, want) {
			t.Errorf("period list lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range [][]string{{}, {"--year", "2011", "--index", "1"}, {"--year", "2000", "--to", "2099"}} {
		if _, err := hqCLI(t, append([]string{"period", "add", "--db", db}, bad...)...); cli.ExitCode(err) != 2 {
			t.Errorf("period add %v = %v; want a usage error", bad, err)
		}
	}
	for _, bad := range [][]string{{"--year", "1999"}, {"--year", "2011", "--kind", "week"}, {"--year", "2011", "--kind", "half", "--index", "3"}} {
		if _, err := hqCLI(t, append([]string{"period", "add", "--db", db}, bad...)...); kaohe.ErrorCode(err) != kaohe.EINVALID {
			t.Errorf("period add %v = %v; want refused", bad, err)
		}
	}
	if got := count(); got != seeded+21 {
		t.Errorf("refused commands changed the periods: %d", got)
	}
}
