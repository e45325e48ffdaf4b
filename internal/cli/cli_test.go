package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// testProgram records what its commands were given.
type testProgram struct {
	db      string
	window  bool
	got     []string
	count   int
	verbose bool
	ran     string
}

func (tp *testProgram) program() *Program {
	return &Program{
		Name:    "prog",
		Intro:   "prog — a test program\n",
		Globals: func(fs *flag.FlagSet) { fs.StringVar(&tp.db, "db", "default.db", "database") },
		Flags:   func(fs *flag.FlagSet) { fs.BoolVar(&tp.window, "window-only", false, "only without a command") },
		Default: func(context.Context) error { tp.ran = "default"; return nil },
		Commands: []Command{
			{Name: "add", Args: "FILE…", Summary: "add files", Setup: func(fs *flag.FlagSet) Run {
				fs.IntVar(&tp.count, "count", 1, "how many")
				return func(_ context.Context, args []string) error { tp.ran, tp.got = "add", args; return nil }
			}},
			{Name: "room add", Args: "--code CODE", Summary: "add a room", Setup: func(fs *flag.FlagSet) Run {
				fs.BoolVar(&tp.verbose, "verbose", false, "say more")
				return func(_ context.Context, args []string) error { tp.ran, tp.got = "room add", args; return nil }
			}},
			{Name: "room list", Summary: "list rooms", Setup: func(fs *flag.FlagSet) Run {
				return func(context.Context, []string) error { tp.ran = "room list"; return nil }
			}},
		},
	}
}

func runProg(args ...string) (*testProgram, string, string, error) {
	tp := &testProgram{}
	var out, errb bytes.Buffer
	err := tp.program().Run(context.Background(), args, &out, &errb)
	return tp, out.String(), errb.String(), err
}

func TestHelpExitsZeroAndShowsOnlyItsFlags(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		want, not  []string
		wantStdout bool
	}{
		{[]string{"--help"}, []string{"prog add FILE…", "prog room add --code CODE", "--db", "--window-only"}, []string{"--count"}, true},
		{[]string{"-h"}, []string{"prog room list"}, nil, true},
		{[]string{"help"}, []string{"prog room list"}, nil, true},
		{[]string{"add", "--help"}, []string{"usage: prog add FILE…", "--count", "--db"}, []string{"--verbose", "--window-only", "room"}, true},
		{[]string{"--db", "x.db", "add", "a", "-h"}, []string{"--count"}, []string{"--verbose"}, true},
		{[]string{"room", "add", "--help"}, []string{"--verbose", "--db"}, []string{"--count", "room list"}, true},
		{[]string{"help", "room", "add"}, []string{"--verbose"}, []string{"--count"}, true},
		{[]string{"room", "--help"}, []string{"prog room add", "prog room list"}, []string{"prog add"}, true},
		{[]string{"help", "room"}, []string{"prog room add", "prog room list"}, []string{"prog add"}, true},
	} {
		tp, out, errOut, err := runProg(tc.args...)
		if err != nil || ExitCode(err) != 0 {
			t.Errorf("%q: %v (exit %d); want exit 0", tc.args, err, ExitCode(err))
		}
		if errOut != "" || tp.ran != "" {
			t.Errorf("%q: stderr %q, ran %q; want help on stdout only", tc.args, errOut, tp.ran)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%q: help lacks %q:\n%s", tc.args, w, out)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(out, n) {
				t.Errorf("%q: help shows %q, which is not this command's:\n%s", tc.args, n, out)
			}
		}
	}
}

func TestUsageErrorsAreOneLineWithExitTwo(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"add", "--frob", "x"}, "prog add：未知选项 / unknown flag --frob（prog add --help"},
		{[]string{"--frob"}, "unknown flag --frob"},
		{[]string{"add", "--count", "many"}, "选项的值不对"},
		{[]string{"add", "--count"}, "flag needs a value: --count"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"room"}, "prog room：请指定子命令"},
		{[]string{"room", "frob"}, `prog room：未知命令 / unknown command "frob"`},
		{[]string{"help", "frob"}, `unknown command "frob"`},
		{[]string{"room", "list", "--count", "2"}, "unknown flag --count"},
		{[]string{"add", "--window-only"}, "unknown flag --window-only"},
	} {
		tp, _, _, err := runProg(tc.args...)
		if ExitCode(err) != 2 {
			t.Errorf("%q: exit %d (%v); want 2", tc.args, ExitCode(err), err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
			t.Errorf("%q: %q; want one line with %q", tc.args, msg, tc.want)
		}
		if tp.ran != "" {
			t.Errorf("%q: ran %q after a usage error", tc.args, tp.ran)
		}
	}
	if ExitCode(nil) != 0 || ExitCode(os.ErrNotExist) != 1 {
		t.Errorf("ExitCode(nil), ExitCode(other) = %d, %d; want 0, 1", ExitCode(nil), ExitCode(os.ErrNotExist))
	}
}

func TestFlagsFollowArgumentsAndGlobalsFollowTheCommand(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		got   []string
		count int
		db    string
	}{
		{[]string{"add", "a", "--count", "3", "b"}, []string{"a", "b"}, 3, "default.db"},
		{[]string{"--db", "top.db", "add", "a"}, []string{"a"}, 1, "top.db"},
		{[]string{"add", "a", "--db", "after.db"}, []string{"a"}, 1, "after.db"},
		{[]string{"--db", "top.db", "add", "--db=after.db"}, nil, 1, "after.db"},
		{[]string{"add", "--count=2", "--", "--count", "-x"}, []string{"--count", "-x"}, 2, "default.db"},
		{[]string{"add", "a", "--", "b"}, []string{"a", "b"}, 1, "default.db"},
	} {
		tp, _, _, err := runProg(tc.args...)
		if err != nil || tp.ran != "add" {
			t.Errorf("%q: %v, ran %q", tc.args, err, tp.ran)
			continue
		}
		if !reflect.DeepEqual(tp.got, tc.got) || tp.count != tc.count || tp.db != tc.db {
			t.Errorf("%q: args %q count %d db %q; want %q %d %q", tc.args, tp.got, tp.count, tp.db, tc.got, tc.count, tc.db)
		}
	}
	tp, _, _, err := runProg("room", "add", "--verbose", "--db", "r.db")
	if err != nil || tp.ran != "room add" || !tp.verbose || tp.db != "r.db" {
		t.Errorf("room add: %v ran %q verbose %v db %q", err, tp.ran, tp.verbose, tp.db)
	}
	tp, _, _, err = runProg("--window-only", "--db", "w.db")
	if err != nil || tp.ran != "default" || !tp.window || tp.db != "w.db" {
		t.Errorf("no command: %v ran %q window %v db %q", err, tp.ran, tp.window, tp.db)
	}
}

func TestProgressIsSilentOffATerminal(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b)
	p.Show(50, 1450)
	p.Done()
	if b.Len() != 0 || p != nil {
		t.Errorf("progress into a buffer wrote %q", b.String())
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Errorf("a regular file counts as a terminal")
	}
	// On a terminal each Show redraws the same line and Done clears it.
	p = &Progress{w: &b}
	p.Show(50, 1450)
	p.Show(1450, 1450)
	p.Show(9, 10)
	p.Done()
	if want := "\r50 / 1450\r1450 / 1450\r9 / 10     \r      \r"; b.String() != want {
		t.Errorf("terminal progress = %q; want %q", b.String(), want)
	}
}

// TestRanDefaultNamesTheProgramWithoutACommand: only a run that reached the
// default (flags parsed, no command) says so, even when it failed; a
// command, help or a mistake in the flags do not.
func TestRanDefaultNamesTheProgramWithoutACommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, true},
		{[]string{"--db", "x.db", "--window-only"}, true},
		{[]string{"add", "f"}, false},
		{[]string{"room", "list"}, false},
		{[]string{"--help"}, false},
		{[]string{"--nope"}, false},
		{[]string{"help"}, false},
	} {
		tp := &testProgram{}
		p := tp.program()
		p.Run(context.Background(), []string{"add"}, &bytes.Buffer{}, &bytes.Buffer{})
		if p.RanDefault() {
			t.Fatal("a command's run says it ran the default")
		}
		p.Run(context.Background(), nil, &bytes.Buffer{}, &bytes.Buffer{})
		p.Run(context.Background(), tc.args, &bytes.Buffer{}, &bytes.Buffer{})
		if p.RanDefault() != tc.want {
			t.Errorf("%q: RanDefault = %v, want %v", tc.args, p.RanDefault(), tc.want)
		}
	}
	failing := &Program{Name: "prog", Before: func() error { return os.ErrPermission },
		Default: func(context.Context) error { t.Fatal("default ran after Before failed"); return nil }}
	if err := failing.Run(context.Background(), nil, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !failing.RanDefault() {
		t.Errorf("Before's failure without a command: err %v, RanDefault %v; want both", err, failing.RanDefault())
	}
}
