package ui

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// deps lists the packages a package depends on, as `go list -deps` says.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// TestDependenciesPointInward keeps the layout of docs/ARCHITECTURE.md
// true: the domain and the wire types are standard library only, and the UI
// reaches storage, sync, HTTP and PDF only through interfaces that cmd/
// wires.
func TestDependenciesPointInward(t *testing.T) {
	std, err := exec.Command("go", "list", "std").Output()
	if err != nil {
		t.Fatal(err)
	}
	isStd := map[string]bool{}
	for _, p := range strings.Fields(string(std)) {
		isStd[p] = true
	}
	for _, pkg := range []string{"kaohe/internal/kaohe", "kaohe/sync/protocol"} {
		for _, d := range deps(t, pkg) {
			if !isStd[d] && d != pkg {
				t.Errorf("%s depends on %s; it uses the standard library only", pkg, d)
			}
		}
	}
	forbidden := []string{"database/sql", "kaohe/internal/store", "kaohe/sync/", "go-resty", "gofpdf", "fsnotify", "go-sqlite3"}
	for _, d := range deps(t, "kaohe/ui") {
		for _, f := range forbidden {
			if d == f || strings.Contains(d, f) {
				t.Errorf("ui depends on %s; it may reach it only through an interface", d)
			}
		}
	}
	for _, d := range deps(t, "kaohe/assets") {
		if strings.HasPrefix(d, "fyne.io/") || (strings.HasPrefix(d, "kaohe/") && d != "kaohe/assets") {
			t.Errorf("assets depends on %s; it holds bytes only", d)
		}
	}
}

// TestLibrariesStayInTheirRoom: each library is imported by the one
// package that wraps it (docs/ARCHITECTURE.md), and the test HQ
// (internal/testhq) by tests only: no package's own files import it.
func TestLibrariesStayInTheirRoom(t *testing.T) {
	owners := map[string][]string{
		"database/sql":                 {"kaohe/internal/store", "kaohe/internal/store/hq", "kaohe/internal/store/queryplan", "kaohe/internal/store/rawstmt"},
		"github.com/mattn/go-sqlite3":  {"kaohe/internal/store", "kaohe/internal/store/hq", "kaohe/internal/store/rawstmt"},
		"github.com/jung-kurt/gofpdf":  {"kaohe/internal/pdf"},
		"github.com/go-resty/resty/v2": {"kaohe/sync/client"},
		"github.com/fsnotify/fsnotify": {"kaohe/internal/watch"},
		"github.com/xuri/excelize/v2":  {"kaohe/internal/excel"},
		"kaohe/internal/testhq":        {}, // tests' only
	}
	// The files of every system we build for: a file only Windows builds
	// (x_windows.go) is no less the program's.
	for _, goos := range []string{"linux", "windows"} {
		cmd := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "kaohe/...")
		cmd.Env = append(os.Environ(), "GOOS="+goos, "CGO_ENABLED=1")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list for %s: %v", goos, err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Fields(line)
			for _, imp := range f[1:] {
				if allowed, ok := owners[imp]; ok && !slices.Contains(allowed, f[0]) {
					t.Errorf("%s (%s) imports %s; only %v may", f[0], goos, imp, allowed)
				}
			}
		}
	}
}
