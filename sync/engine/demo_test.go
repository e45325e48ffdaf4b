package engine

import (
	"fmt"
	"path/filepath"
	"testing"

	"kaohe/internal/demo"
	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/internal/testhq"
)

// TestDemoTellsOneStoryAtBothEnds: HQ's demo and the showroom's demo, made
// apart with the same options, then the showroom enrolled with HQ's code and
// synced: every application is in the same state at both ends, every
// manager at the same level, nothing is refused on either side, and the
// showroom's certificate is HQ's and checks as genuine at HQ. With three
// years too: HQ's demo publishes the periods of the showroom's oldest
// assessments, although a new HQ publishes only this year's and last
// year's halves.
func TestDemoTellsOneStoryAtBothEnds(t *testing.T) {
	for _, years := range []int{2, 3} {
		t.Run(fmt.Sprintf("%d years", years), func(t *testing.T) { demoStory(t, years) })
	}
}

func demoStory(t *testing.T, years int) {
	h := newHQ(t)
	o := demo.Options{Today: kaohe.D(2026, 11, 27), Years: years}
	sum, err := demo.SeedHQ(ctx, h.store, o)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Code == "" || sum.Showroom.Code != demo.HQShowroomCode || sum.Acts == 0 {
		t.Fatalf("SeedHQ = %+v", sum)
	}
	if _, err := demo.SeedHQ(ctx, h.store, o); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("a second HQ demo into the same database = %v, want a conflict", err)
	}

	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "showroom.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Now = h.clock.Now // one calendar: the demo's assessments are submitted on the same day at both ends
	if _, err := demo.Seed(ctx, s, o); err != nil {
		t.Fatal(err)
	}
	// The demo's own certificate printed before enrolling: a print of the
	// demo's stand-in, dropped with it at enrollment, never refused at HQ.
	if err := s.Update(ctx, "董喆（D001）", func(tx *store.Tx) error {
		cs, err := s.Certificates(ctx, "")
		if err == nil && len(cs) == 1 {
			_, err = tx.LogCertificatePrint(cs[0].ID)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := Enroll(ctx, s, h.proxy.URL, sum.Code); err != nil {
		t.Fatal(err)
	}
	token, _ := s.Meta(ctx, store.MetaToken)
	sr := &showroom{store: s, engine: &Engine{Store: s, Client: fastClient(h.proxy.URL, token), Batch: 200}, code: demo.HQShowroomCode}
	mustSync(t, sr)
	mustSync(t, sr) // and again: nothing new either way

	if refused, _ := s.Refused(ctx); len(refused) != 0 {
		for _, c := range refused {
			t.Errorf("HQ refused %s %s: %s", c.Entity, c.RowID, c.Refused)
		}
	}
	if n, _ := s.PendingRemote(ctx); n != 0 {
		t.Errorf("%d of HQ's changes wait unapplied at the showroom", n)
	}
	stats, _ := h.store.Stats(ctx)
	if got, want := localCounts(t, s), stats[demo.HQShowroomCode]; got["assessments"] != want["assessments"] || want["assessments"] == 0 {
		t.Errorf("assessments: showroom %d, HQ %d", got["assessments"], want["assessments"])
	}
	oldest := fmt.Sprintf("%d-H1", o.Today.Year-years+1)
	if as, _ := s.Assessments(ctx, store.AssessmentFilter{PeriodID: oldest}); len(as) == 0 {
		t.Errorf("the demo has no assessment of its oldest period %s", oldest)
	}

	apps, err := s.Applications(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	states := map[kaohe.AppState]int{}
	for _, a := range apps {
		at, found, err := h.store.Application(ctx, a.ID)
		if err != nil || !found {
			t.Fatalf("HQ has no application %s (%v)", a.ID, err)
		}
		if at.Review.State != a.Review.State {
			t.Errorf("application of %s for level %d: showroom %s, HQ %s", a.ManagerID, a.TargetLevel, a.Review.State, at.Review.State)
		}
		states[a.Review.State]++
	}
	for _, st := range []kaohe.AppState{kaohe.AppGranted, kaohe.AppProbation, kaohe.AppFailed, kaohe.AppSecond, kaohe.AppExam, kaohe.AppSubmitted, kaohe.AppDraft} {
		if states[st] == 0 {
			t.Errorf("no application in state %s (%v)", st, states)
		}
	}

	ms, err := s.ListManagers(ctx, kaohe.ManagerFilter{WithDeleted: true})
	if err != nil {
		t.Fatal(err)
	}
	higher := 0
	for _, m := range ms {
		local, _ := s.LevelHistory(ctx, m.ID)
		remote, err := h.store.LevelHistory(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := kaohe.CurrentLevel(local), kaohe.CurrentLevel(remote); a != b || len(local) != len(remote) {
			t.Errorf("%s %s: level %d (%d changes) at the showroom, %d (%d changes) at HQ", m.EmployeeNo, m.Name, a, len(local), b, len(remote))
		}
		if kaohe.CurrentLevel(remote) > kaohe.Level1 {
			higher++
		}
	}
	if higher == 0 {
		t.Error("HQ knows no manager above level 1")
	}

	certs, err := s.Certificates(ctx, "")
	if err != nil || len(certs) != 1 {
		t.Fatalf("certificates at the showroom = %d, %v", len(certs), err)
	}
	if _, v, err := h.store.Verify(ctx, certs[0].Serial, certs[0].VerifyCode); err != nil || v != kaohe.Genuine {
		t.Errorf("the showroom's certificate %s at HQ's verify = %s, %v", certs[0].Serial, v, err)
	}
}

// TestDemoShowroomMeetsANewHQ: the showroom's demo, made before it knew any
// HQ, plays HQ's part itself (review decisions, exemptions, levels, a
// certificate signed with a demo key), and its certificate is printed. It
// then enrolls with an HQ that made none of those acts and syncs: nothing
// is refused (the print of the demo's certificate was refused as a missing
// reference). The assessments by its showroom manager, whose level 3 was
// the demo's stand-in, wait at the showroom, not stored at HQ, until HQ
// sets her level (定级, as after any showroom's first enrollment); then
// they go in, and both ends hold the same story — HQ's: the same
// application states and level histories, no certificate, no print, and
// no demo key trusted at the showroom.
func TestDemoShowroomMeetsANewHQ(t *testing.T) {
	h := newHQ(t)
	s, code := demoBeforeHQ(t, h, demo.Options{Today: kaohe.D(2026, 11, 27)})
	certs, _ := s.Certificates(ctx, "")
	if len(certs) != 1 {
		t.Fatalf("the demo has %d certificates; want its one", len(certs))
	}
	for range 2 { // printed, and printed again (副本)
		if err := s.Update(ctx, "董喆（D001）", func(tx *store.Tx) error { _, err := tx.LogCertificatePrint(certs[0].ID); return err }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Enroll(ctx, s, h.proxy.URL, code); err != nil {
		t.Fatal(err)
	}
	token, _ := s.Meta(ctx, store.MetaToken)
	sr := &showroom{store: s, engine: &Engine{Store: s, Client: fastClient(h.proxy.URL, token), Batch: 200}, code: demo.HQShowroomCode}
	// HQ holds no manager of the showroom at level 3 yet (the demo's
	// level-3 stand-in is the showroom's own word): the assessments go in
	// at once, each checked as not its assessor's own.
	mustSync(t, sr)
	boss, err := s.ManagerByNo(ctx, "D001")
	if err != nil {
		t.Fatal(err)
	}
	if _, n, err := s.Waiting(ctx, 1); err != nil || n != 0 {
		t.Errorf("before HQ sets the showroom manager's level: %d changes wait (%v)", n, err)
	}
	if stats, _ := h.store.Stats(ctx); stats[demo.HQShowroomCode]["assessments"] == 0 {
		t.Error("HQ holds none of the demo's assessments")
	}
	hqSetsShowroomManager(t, h, boss)
	mustSync(t, sr)
	if _, n, _ := s.Waiting(ctx, 0); n != 0 {
		t.Errorf("%d changes still wait after HQ set the showroom manager's level", n)
	}
	if refused, _ := s.Refused(ctx); len(refused) != 0 {
		for _, c := range refused {
			t.Errorf("HQ refused %s %s: %s", c.Entity, c.RowID, c.Refused)
		}
	}
	stats, _ := h.store.Stats(ctx)
	for _, table := range []string{"certificates", "certificate_prints"} {
		if n := stats[demo.HQShowroomCode][table]; n != 0 {
			t.Errorf("HQ holds %d %s of a showroom it never granted anything", n, table)
		}
	}
	if c, _ := s.Certificates(ctx, ""); len(c) != 0 {
		t.Errorf("the showroom still holds the demo's certificate %+v", c)
	}
	keys, _ := s.HQKeys(ctx)
	hqKeys, _ := h.store.PublicKeys(ctx)
	for id := range keys {
		if _, ok := hqKeys[id]; !ok {
			t.Errorf("the showroom trusts key %s, which is not HQ's", id)
		}
	}
	apps, err := s.Applications(ctx, "")
	if err != nil || len(apps) == 0 {
		t.Fatalf("applications: %d, %v", len(apps), err)
	}
	for _, a := range apps {
		at, found, err := h.store.Application(ctx, a.ID)
		if a.Review.State == kaohe.AppDraft && !found {
			continue // HQ has drafts too, but a draft HQ lacks would be a lost row: checked below
		}
		if err != nil || !found || at.Review.State != a.Review.State || len(at.Review.Decisions) != len(a.Review.Decisions) {
			t.Errorf("application %s: showroom %s (%d decisions), HQ %s (%d decisions, found %v, %v)",
				a.ID, a.Review.State, len(a.Review.Decisions), at.Review.State, len(at.Review.Decisions), found, err)
		}
		if a.Review.State.Terminal() || a.Review.State == kaohe.AppExam || a.Review.State == kaohe.AppProbation {
			t.Errorf("application %s is %s at the showroom: no HQ decided that", a.ID, a.Review.State)
		}
	}
	ms, _ := s.ListManagers(ctx, kaohe.ManagerFilter{WithDeleted: true})
	for _, m := range ms {
		local, _ := s.LevelHistory(ctx, m.ID)
		remote, _ := h.store.LevelHistory(ctx, m.ID)
		if kaohe.CurrentLevel(local) != kaohe.CurrentLevel(remote) || len(local) != len(remote) {
			t.Errorf("%s: level %d (%d changes) at the showroom, %d (%d) at HQ", m.EmployeeNo, kaohe.CurrentLevel(local), len(local), kaohe.CurrentLevel(remote), len(remote))
		}
	}
	if got, want := localCounts(t, s), stats[demo.HQShowroomCode]; got["applications"] != want["applications"] || got["managers"] != want["managers"] || got["assessments"] != want["assessments"] {
		t.Errorf("showroom %v, HQ %v", got, want)
	}
}

// TestDemoOfAnEnrolledShowroomLeavesHQItsPart: the demo seeded into a
// showroom already enrolled plays no part of HQ's: after a sync nothing is
// refused and both ends hold the same application states and levels, with
// no certificate HQ did not issue.
func TestDemoOfAnEnrolledShowroomLeavesHQItsPart(t *testing.T) {
	h := newHQ(t)
	sr := enroll(t, h, "SH01", "上海徐汇旗舰展厅", true)
	mustSync(t, sr)
	if refused, _ := sr.store.Refused(ctx); len(refused) != 0 {
		t.Errorf("HQ refused %d of the demo's changes, the first %s %s: %s", len(refused), refused[0].Entity, refused[0].RowID, refused[0].Refused)
	}
	if c, _ := sr.store.Certificates(ctx, ""); len(c) != 0 {
		t.Errorf("the enrolled demo made %d certificates of its own", len(c))
	}
	apps, _ := sr.store.Applications(ctx, "")
	if len(apps) == 0 {
		t.Fatal("the demo made no applications")
	}
	for _, a := range apps {
		at, found, err := h.store.Application(ctx, a.ID)
		if err != nil || !found || at.Review.State != a.Review.State {
			t.Errorf("application %s: showroom %s, HQ %s (found %v, %v)", a.ID, a.Review.State, at.Review.State, found, err)
		}
	}
	ms, _ := sr.store.ListManagers(ctx, kaohe.ManagerFilter{WithDeleted: true})
	for _, m := range ms {
		local, _ := sr.store.LevelHistory(ctx, m.ID)
		remote, _ := h.store.LevelHistory(ctx, m.ID)
		if kaohe.CurrentLevel(local) != kaohe.CurrentLevel(remote) || len(local) != len(remote) {
			t.Errorf("%s: level %d at the showroom, %d at HQ", m.EmployeeNo, kaohe.CurrentLevel(local), kaohe.CurrentLevel(remote))
		}
	}
}

// demoBeforeHQ is a demo showroom seeded with o before it knew any HQ, on
// h's clock (one calendar at both ends), and the code that enrolls it as
// the demo's showroom, added at h. The store closes with the test.
func demoBeforeHQ(t *testing.T, h *hqServer, o demo.Options) (*store.Store, string) {
	t.Helper()
	_, code, err := h.store.AddShowroom(ctx, demo.HQShowroomCode, demo.HQShowroomName, demo.HQShowroomRegion)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "showroom.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.Now = h.clock.Now
	if _, err := demo.Seed(ctx, s, o); err != nil {
		t.Fatal(err)
	}
	return s, code
}

// hqSetsShowroomManager has HQ record the demo showroom's manager (D001,
// boss as the showroom holds her) at level 3, on the days the demo's
// stand-in had it (定级, as kaohe-hq level set does after a showroom's first
// enrollment): from then on she is the one who assesses.
func hqSetsShowroomManager(t *testing.T, h *hqServer, boss kaohe.ManagerLevel) {
	t.Helper()
	testhq.SetShowroomManager(t, h.store, boss.Manager)
}
