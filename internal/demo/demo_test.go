package demo

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
)

var ctx = context.Background()

var today = kaohe.D(2026, 11, 27)

func seeded(t *testing.T, o Options) (*store.Store, Summary) {
	t.Helper()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	// The store lives on the demo's day (noon), whatever the machine's.
	s.Now = func() time.Time { return o.Today.Time().Add(12 * time.Hour) }
	sum, err := Seed(ctx, s, o)
	if err != nil {
		t.Fatal(err)
	}
	return s, sum
}

func TestDemoShowroom(t *testing.T) {
	s, sum := seeded(t, Options{Today: today})
	ms, _ := s.ListManagers(ctx, kaohe.ManagerFilter{})
	if len(ms) != 20 || sum.Managers != 20 {
		t.Fatalf("%d managers; want 20", len(ms))
	}
	levels := map[kaohe.Level]int{}
	for i, m := range ms {
		if want := fmt.Sprintf("D%03d", i+1); m.EmployeeNo != want {
			t.Errorf("employee number %s; want %s", m.EmployeeNo, want)
		}
		if kaohe.CountChars(m.Name) < 2 || !isHan(m.Name) {
			t.Errorf("name %q is not a Chinese name", m.Name)
		}
		if err := m.Validate(); err != nil {
			t.Errorf("%s: %v", m.EmployeeNo, err)
		}
		levels[m.Level]++
	}
	if levels[kaohe.Level1] == 0 || levels[kaohe.Level2] == 0 || levels[kaohe.Level3] == 0 {
		t.Errorf("levels = %v; want all of 1–3", levels)
	}

	// Two years of targets and actuals.
	for _, y := range []int{2025, 2026} {
		tg, ac, _ := s.Figures(ctx, ms[0].ID, kaohe.MetricSales, y)
		if tg.Total() == 0 || ac[0] == 0 {
			t.Errorf("%d: targets %v actuals %v", y, tg, ac)
		}
	}
	// Assessments for every period, submitted once the period ended.
	periods, _ := s.Periods(ctx)
	if len(periods) != 4 {
		t.Errorf("%d periods; want 4 half-years", len(periods))
	}
	for _, p := range periods {
		as, _ := s.Assessments(ctx, store.AssessmentFilter{PeriodID: p.ID})
		if len(as) < 10 { // level-1 staff: the showroom assesses only them
			t.Errorf("period %s has %d assessments", p.ID, len(as))
		}
		for _, a := range as {
			if want := p.End.Before(today); (a.Status == kaohe.AssessSubmitted) != want {
				t.Errorf("period %s assessment status %s", p.ID, a.Status)
				break
			}
		}
	}
	// Trainings in all five categories; rewards and penalties.
	tr, _ := s.Trainings(ctx)
	cats := map[kaohe.TrainingCategory]bool{}
	for _, x := range tr {
		cats[x.Category] = true
	}
	if len(cats) != 5 {
		t.Errorf("training categories %v; want 5", cats)
	}
	h, _ := s.TrainingHoursOf(ctx, "", 2026)
	if h.Total() == 0 {
		t.Errorf("no training hours in 2026")
	}
	rw, _ := s.RewardsPenalties(ctx, "")
	var rewards, penalties int
	for _, r := range rw {
		if info, _ := r.Type.Info(); info.Reward {
			rewards++
		} else {
			penalties++
		}
	}
	if rewards == 0 || penalties == 0 {
		t.Errorf("rewards %d penalties %d", rewards, penalties)
	}

	// One application at each review stage, one granted with a certificate.
	apps, _ := s.Applications(ctx, "")
	states := map[kaohe.AppState]int{}
	for _, a := range apps {
		states[a.Review.State]++
		if a.Review.State == kaohe.AppProbation {
			if d := a.Review.ProbationEnd; d.Before(today) || d.After(today.AddDays(30)) {
				t.Errorf("probation ends %v; want within the next 30 days", d)
			}
		}
	}
	for _, st := range []kaohe.AppState{kaohe.AppDraft, kaohe.AppSubmitted, kaohe.AppExam, kaohe.AppSecond, kaohe.AppProbation, kaohe.AppGranted, kaohe.AppFailed} {
		if states[st] != 1 {
			t.Errorf("applications in state %s: %d; want 1", st, states[st])
		}
	}
	certs, _ := s.Certificates(ctx, "")
	if len(certs) != 1 || certs[0].Serial == "" || certs[0].Level != kaohe.Level2 {
		t.Fatalf("certificates = %+v", certs)
	}
	holder, _ := s.Manager(ctx, certs[0].ManagerID)
	if holder.Level != kaohe.Level2 {
		t.Errorf("the certificate holder is at level %d; want 2 (promoted)", holder.Level)
	}
	// Every managers' data is in the outbox, waiting for HQ.
	if n, _ := s.PendingCount(ctx); n < 1000 {
		t.Errorf("pending changes = %d", n)
	}
	// A second seed is refused: demo data never mixes with real data.
	if _, err := Seed(ctx, s, Options{Today: today}); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("seeding twice = %v; want conflict", err)
	}
}

func isHan(s string) bool {
	for _, r := range s {
		if r < 0x4e00 || r > 0x9fff {
			return false
		}
	}
	return true
}

// fingerprint summarises the content (not the random ids) of a demo database.
func fingerprint(t *testing.T, s *store.Store) string {
	var b strings.Builder
	ms, _ := s.ListManagers(ctx, kaohe.ManagerFilter{})
	for _, m := range ms {
		tg, ac, _ := s.Figures(ctx, m.ID, kaohe.MetricSales, 2026)
		fmt.Fprintf(&b, "%s %s %d %d %v %v\n", m.EmployeeNo, m.Name, m.Level, m.Education, tg, ac)
		as, _ := s.Assessments(ctx, store.AssessmentFilter{ManagerID: m.ID})
		for _, a := range as {
			fmt.Fprintf(&b, " %s %.2f %s\n", a.PeriodID, a.Total, a.Grade)
		}
	}
	tr, _ := s.Trainings(ctx)
	var ts []string
	for _, x := range tr {
		ts = append(ts, fmt.Sprintf("%s %s %v", x.Date, x.Title, x.Hours))
	}
	sort.Strings(ts)
	b.WriteString(strings.Join(ts, "\n"))
	return b.String()
}

func TestDemoIsDeterministic(t *testing.T) {
	a, _ := seeded(t, Options{Today: today})
	b, _ := seeded(t, Options{Today: today})
	if fa, fb := fingerprint(t, a), fingerprint(t, b); fa != fb {
		t.Errorf("two demos with the same seed differ")
	}
	c, _ := seeded(t, Options{Today: today, Seed: 7})
	if fingerprint(t, a) == fingerprint(t, c) {
		t.Errorf("another seed gave the same demo")
	}
}

func TestDemoScales(t *testing.T) {
	s, sum := seeded(t, Options{Today: today, Managers: 120, Years: 3})
	ms, _ := s.ListManagers(ctx, kaohe.ManagerFilter{})
	if len(ms) != 120 || ms[0].EmployeeNo != "D001" || ms[119].EmployeeNo != "D120" || sum.Periods != 6 {
		t.Errorf("scaled demo: %d managers, first %s, last %s, %d periods", len(ms), ms[0].EmployeeNo, ms[119].EmployeeNo, sum.Periods)
	}
}

// The demo accounts name D001 and D002 at every size: a demo of 1,000 or
// more managers once numbered them D0001 and failed to create its accounts.
func TestEmployeeNumbersDoNotWidenWithSize(t *testing.T) {
	for _, n := range []int{20, 999, 1000, 10000} {
		g := &gen{o: Options{Managers: n}}
		if got := g.employeeNo(1); got != "D001" {
			t.Errorf("%d managers: first employee number %q, want D001", n, got)
		}
		if got := g.employeeNo(1000); got != "D1000" {
			t.Errorf("%d managers: employee number 1000 is %q, want D1000", n, got)
		}
	}
	for _, d := range DemoAccounts {
		if d.Name == "" && d.EmployeeNo != (&gen{}).employeeNo(1) && d.EmployeeNo != (&gen{}).employeeNo(2) {
			t.Errorf("demo account %s names no demo manager", d.EmployeeNo)
		}
	}
}

// A short history (one year) still gives everyone at a high level a year at
// each level before it, so no grant of HQ's is dated after today: a demo of
// one year once failed with "日期 … 晚于今天".
// TestShortHistoryDatesNoGrantAhead: however short the history asked for
// (one year) and wherever in the year today falls, nobody is hired too
// late for their level: no level change, review step, submission or
// certificate is dated after today or before the person's hire date, and
// each level change follows the one before. The hire date is moved back
// for that (demo.manager); nothing clamps a grant's date afterwards.
func TestShortHistoryDatesNoGrantAhead(t *testing.T) {
	for _, o := range []Options{{Today: today, Years: 1}, {Today: kaohe.D(2026, 1, 5), Years: 1}, {Today: kaohe.D(2026, 1, 5), Years: 2},
		{Today: kaohe.D(2031, 7, 1), Years: 1}} {
		o.Managers = 250
		day := o.Today
		s, _ := seeded(t, o)
		ms, err := s.ListManagers(ctx, kaohe.ManagerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		hired := map[string]kaohe.Date{}
		for _, m := range ms {
			hired[m.ID] = m.HireDate
			h, err := s.LevelHistory(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range h {
				if c.Date.After(day) || (i > 0 && c.Date.Before(h[i-1].Date)) || c.Date.Before(m.HireDate) {
					t.Errorf("today %s: %s's level change %d→%d dated %s (hired %s)", day, m.EmployeeNo, c.From, c.To, c.Date, m.HireDate)
				}
			}
		}
		apps, err := s.Applications(ctx, "")
		if err != nil || len(apps) < 7 {
			t.Fatalf("today %s: %d applications, %v; want one at each stage", day, len(apps), err)
		}
		for _, a := range apps {
			for _, d := range a.Review.Decisions {
				if d.Date.After(day) || d.Date.Before(hired[a.ManagerID]) {
					t.Errorf("today %s: application %s's %s dated %s (hired %s)", day, a.ID, d.Stage, d.Date, hired[a.ManagerID])
				}
			}
		}
		certs, err := s.Certificates(ctx, "")
		if err != nil || len(certs) != 1 {
			t.Fatalf("today %s: %d certificates, %v; want the granted one", day, len(certs), err)
		}
		if c := certs[0]; c.GrantedOn.After(day) || c.GrantedOn.Before(hired[c.ManagerID]) {
			t.Errorf("today %s: certificate granted on %s (hired %s)", day, c.GrantedOn, hired[c.ManagerID])
		}
	}
}
