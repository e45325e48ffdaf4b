package ui

import (
	"os/exec"
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

// TestDependenciesPointInward keeps the layout of STYLE.md true: the domain
// is standard library only, and the UI reaches storage, sync, HTTP and PDF
// only through interfaces that cmd/ wires.
func TestDependenciesPointInward(t *testing.T) {
	std, err := exec.Command("go", "list", "std").Output()
	if err != nil {
		t.Fatal(err)
	}
	isStd := map[string]bool{}
	for _, p := range strings.Fields(string(std)) {
		isStd[p] = true
	}
	for _, d := range deps(t, "kaohe/internal/kaohe") {
		if !isStd[d] && d != "kaohe/internal/kaohe" {
			t.Errorf("internal/kaohe depends on %s; the domain uses the standard library only", d)
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
		if strings.HasPrefix(d, "fyne.io/") {
			t.Errorf("assets depends on %s; it holds bytes only", d)
		}
	}
}
