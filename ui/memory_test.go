package ui

import (
	"context"
	"math"
	"reflect"
	"runtime/debug"
	"testing"

	"kaohe/internal/kaohe"
)

// TestScreensShareOneManagerIndex: the screens that look managers up by id
// (rewards, research, targets, documents, applications) hold one map of
// every manager between them, not a copy each (10,000 managers are ~3 MB a
// copy); it holds those who left too (their records still show a name), no
// screen writes into it, and after a write the screens read a new one with
// the new manager while the old one stays as it was.
func TestScreensShareOneManagerIndex(t *testing.T) {
	w, svc, _ := demoWindow(t)
	ctx := context.Background()
	maps := func() map[string]map[string]kaohe.ManagerLevel {
		for _, key := range []string{"nav.rewards", "nav.research", "nav.targets", "nav.documents", "nav.applications"} {
			open(w, key)
		}
		return map[string]map[string]kaohe.ManagerLevel{
			"rewards": w.Rewards.names, "research": w.Research.names, "targets": w.Targets.names,
			"documents": w.Documents.managers, "applications": w.Applications.names,
		}
	}
	all, err := svc.ListManagers(ctx, kaohe.ManagerFilter{})
	if err != nil {
		t.Fatal(err)
	}
	left := ""
	for _, m := range all {
		if m.Status != kaohe.StatusActive {
			left = m.ID
		}
	}
	if left == "" {
		t.Fatal("the demo has nobody who left")
	}
	before := maps()
	first := reflect.ValueOf(before["rewards"]).UnsafePointer()
	for name, m := range before {
		if p := reflect.ValueOf(m).UnsafePointer(); p != first {
			t.Errorf("%s has a map of its own", name)
		}
		if len(m) != len(all) {
			t.Errorf("%s: %d managers by id, want all %d", name, len(m), len(all))
		}
		if _, ok := m[left]; !ok {
			t.Errorf("%s: a manager who left is missing", name)
		}
	}
	old := before["rewards"]

	added, err := w.e.svc.CreateManager(ctx, w.e.actor, kaohe.Manager{EmployeeNo: "D900", Name: "新增", Education: kaohe.EduCollege, Status: kaohe.StatusActive}, kaohe.Level1)
	if err != nil {
		t.Fatal(err)
	}
	after := maps()
	for name, m := range after {
		if _, ok := m[added.ID]; !ok {
			t.Errorf("%s: the new manager is missing after the write", name)
		}
	}
	if _, ok := old[added.ID]; ok || len(old) != len(all) {
		t.Errorf("the old map was written to: %d entries", len(old))
	}
}

// TestLimitMemory: the window's GOGC and soft limit are set unless the
// environment sets its own, and restore puts the old ones back.
func TestLimitMemory(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	oldPercent := debug.SetGCPercent(100)
	oldLimit := debug.SetMemoryLimit(math.MaxInt64)
	defer func() { debug.SetGCPercent(oldPercent); debug.SetMemoryLimit(oldLimit) }()

	restore := LimitMemory()
	if p := debug.SetGCPercent(-1); p != GCPercent {
		t.Errorf("GOGC %d, want %d", p, GCPercent)
	}
	debug.SetGCPercent(GCPercent)
	if l := debug.SetMemoryLimit(-1); l != MemoryLimit {
		t.Errorf("memory limit %d, want %d", l, MemoryLimit)
	}
	restore()
	if p := debug.SetGCPercent(-1); p != 100 {
		t.Errorf("after restore GOGC %d, want 100", p)
	}
	debug.SetGCPercent(100)
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Errorf("after restore memory limit %d", l)
	}

	t.Setenv("GOGC", "200") // the environment's own choice stays
	t.Setenv("GOMEMLIMIT", "1GiB")
	LimitMemory()()
	if p := debug.SetGCPercent(-1); p != 100 {
		t.Errorf("GOGC set in the environment: changed to %d", p)
	}
	debug.SetGCPercent(100)
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set in the environment: limit changed to %d", l)
	}
}
