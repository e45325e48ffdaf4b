package ui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// tapRadio taps the option of a radio group as a person would.
func tapRadio(t *testing.T, g *widget.RadioGroup, i int) {
	t.Helper()
	objs := test.WidgetRenderer(g).Objects()
	if i >= len(objs) {
		t.Fatalf("the radio group has %d options", len(objs))
	}
	tap, ok := objs[i].(fyne.Tappable)
	if !ok {
		t.Fatalf("option %d (%T) cannot be tapped", i, objs[i])
	}
	tap.Tapped(&fyne.PointEvent{})
}

// TestHQReviewRefreshKeepsTheDecisionTyped: a reviewer fills in the
// decision form of an application; meanwhile the showroom renames its
// applicant, and HQ mode's sync brings it in. The queue and the detail show
// the new name at once, nobody tapping anything, and the verdict, deciders,
// date and comment being typed stay. When the application is decided
// elsewhere (it waits for another stage now) its form starts empty.
func TestHQReviewRefreshKeepsTheDecisionTyped(t *testing.T) {
	ctx := context.Background()
	w, svc, _, rs := hqWorldAs(t, "H002", "reviewer-pw")
	open(w, "nav.review")
	s := w.Review
	idx := -1
	for i, it := range s.Items() {
		if it.App.Review.State == kaohe.AppSubmitted {
			idx = i
			break
		}
	}
	if idx < 0 {
		t.Fatal("no submitted application in the queue")
	}
	s.Select(idx)
	w.Wait()
	it := s.Items()[idx]

	// The form, typed and tapped.
	tapRadio(t, s.Pass, 0)
	if s.Pass.Selected != T("verdict.pass") {
		t.Fatalf("the verdict tapped is %q", s.Pass.Selected)
	}
	if len(s.Deciders.checks) < 2 {
		t.Fatalf("%d deciders", len(s.Deciders.checks))
	}
	test.Tap(s.Deciders.checks[1])
	s.Date.SetText("")
	test.Type(s.Date, "2026-11-26")
	test.Type(s.Comment, "材料齐全，正在写评语")
	ticked := append([]string(nil), s.Deciders.Selected...)
	if len(ticked) != 1 {
		t.Fatalf("ticked %v", ticked)
	}

	// The showroom renames the applicant; both sides sync.
	boss := signInAs(t, rs, "D001", "manager-demo")
	m, err := rs.Store.Manager(ctx, it.Manager.ID)
	if err != nil {
		t.Fatal(err)
	}
	renamed := m.Manager
	renamed.Name = "改名后的申请人"
	if _, err := rs.UpdateManager(ctx, boss, renamed); err != nil {
		t.Fatal(err)
	}
	if err := rs.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if err := svc.SyncNow(ctx); err != nil { // HQ mode's sync: its status tells the window
		t.Fatal(err)
	}
	until(t, w, "the review queue does not show the applicant's new name", func() bool {
		return s.cur >= 0 && strings.Contains(s.Detail.Text, "改名后的申请人")
	})
	if s.curID != it.App.ID || s.Items()[s.cur].Manager.Name != "改名后的申请人" {
		t.Errorf("shown %s (row %d: %q); want %s, renamed", s.curID, s.cur, s.Items()[s.cur].Manager.Name, it.App.ID)
	}
	if s.Pass.Selected != T("verdict.pass") || s.Comment.Text != "材料齐全，正在写评语" || s.Date.Text != "2026-11-26" ||
		strings.Join(s.Deciders.Selected, ",") != strings.Join(ticked, ",") || !s.Deciders.checks[1].Checked {
		t.Errorf("the form being typed changed: verdict %q, comment %q, date %q, deciders %v",
			s.Pass.Selected, s.Comment.Text, s.Date.Text, s.Deciders.Selected)
	}
	if s.Record.Disabled() || s.Comment.Disabled() {
		t.Error("the form was disabled by the refresh")
	}
	// Shown again after another screen: still as typed.
	open(w, "nav.filing")
	open(w, "nav.review")
	if s.curID != it.App.ID || s.Comment.Text != "材料齐全，正在写评语" || s.Pass.Selected != T("verdict.pass") {
		t.Errorf("shown again: app %s, comment %q, verdict %q", s.curID, s.Comment.Text, s.Pass.Selected)
	}

	// Decided elsewhere (not through this window): the window hears its
	// data changed; the application waits for the exam now, and the form
	// typed for the first review is gone.
	reviewer := w.e.actor
	d := kaohe.Decision{AppID: it.App.ID, Stage: kaohe.StageFirst, Pass: true, Date: kaohe.DateOf(demoToday), DecidedBy: []string{"陈建国（总经理）"}}
	if it.App.Exemption == kaohe.ExemptionRequested {
		if err := svc.DecideExemption(ctx, reviewer, kaohe.Exemption{AppID: it.App.ID, Approved: true, Date: d.Date, DecidedBy: "陈建国"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.RecordDecision(ctx, reviewer, d); err != nil {
		t.Fatal(err)
	}
	w.DataChanged()
	until(t, w, "the application decided elsewhere still waits for its first review on screen", func() bool {
		return s.Next.Text == T("stage."+string(kaohe.StageExam))
	})
	if s.curID != it.App.ID || s.Comment.Text != "" || s.Pass.Selected != "" || len(s.Deciders.Selected) != 0 {
		t.Errorf("decided elsewhere: app %s, comment %q, verdict %q, deciders %v", s.curID, s.Comment.Text, s.Pass.Selected, s.Deciders.Selected)
	}
}

// slowRooms is a service whose showroom list waits to be let go.
type slowRooms struct {
	Service
	block   atomic.Bool
	read    atomic.Bool // a blocked read ended
	release chan struct{}
}

func (s *slowRooms) Showrooms(ctx context.Context) ([]kaohe.Showroom, error) {
	if s.block.Load() {
		select {
		case <-s.release:
		case <-time.After(20 * time.Second):
		}
		s.read.Store(true)
	}
	return s.Service.Showrooms(ctx)
}

// TestHQAuditReadsShowroomsInTheBackground: the audit screen comes up
// while the showrooms are still being read (not on the UI thread), and its
// picker and lines name them once they are in.
func TestHQAuditReadsShowroomsInTheBackground(t *testing.T) {
	_, svc, _ := hqWindow(t)
	slow := &slowRooms{Service: svc, release: make(chan struct{})}
	w := NewWindow(Params{App: fyne.CurrentApp(), Service: slow, DocDir: t.TempDir(), DataDir: t.TempDir(), Now: func() time.Time { return demoToday }})
	t.Cleanup(w.Close)
	w.Wait()
	slow.block.Store(true)
	w.Open("nav.audit")
	if w.Audit == nil {
		t.Fatal("the audit screen was not built")
	}
	if slow.read.Load() {
		t.Fatal("the audit screen came up after its showrooms were read: read on the UI thread")
	}
	if n := len(w.Audit.Showroom.Options); n != 1 {
		t.Errorf("before the showrooms are in, the picker offers %d choices", n)
	}
	close(slow.release)
	w.Wait()
	a := w.Audit
	if len(a.Showroom.Options) != 2 || a.Showroom.Options[1] != "SH01" || a.Showroom.Selected != T("audit.all_showrooms") {
		t.Errorf("the showroom picker offers %v, chosen %q", a.Showroom.Options, a.Showroom.Selected)
	}
	rooms := 0
	for i := range a.List.Rows() {
		if a.List.Cell(i, 1) == "SH01" {
			rooms++
		}
	}
	if rooms == 0 {
		t.Errorf("no audit line names SH01 (%d lines)", len(a.List.Rows()))
	}
	// Choosing a showroom reads its lines only.
	a.Showroom.SetSelectedIndex(1)
	w.Wait()
	for _, l := range a.List.Rows() {
		if l.ShowroomID == "" {
			t.Errorf("SH01 chosen, a line of HQ: %+v", l)
			break
		}
	}
	if len(a.List.Rows()) == 0 {
		t.Error("SH01 chosen: no line")
	}
}

// TestHQDecidersDoNotOverlapTheComment: at 1280×800 with a review group of
// 5 and of 9, the 决定人 boxes wrap into rows that the form makes room for:
// the last box ends above 考核评语, whether the group arrived before or
// after the form was first laid out.
func TestHQDecidersDoNotOverlapTheComment(t *testing.T) {
	w, svc, _ := hqWindow(t)
	names := []string{"刘芳", "孙浩", "吴磊", "王建国", "李晓红", "赵磊", "孙丽娟"}
	for _, n := range []int{5, 9} {
		admin := signInAs(t, svc, "H001", "hq-admin-pw")
		for _, m := range names[len(w.Review.Deciders.Options)-2 : n-2] {
			if err := svc.SaveReviewMember(context.Background(), admin, kaohe.ReviewMember{Name: m, Title: "区域市场经理", Role: "member"}); err != nil {
				t.Fatal(err)
			}
		}
		signInAs(t, svc, "H002", "reviewer-pw")
		w.Review.refresh()
		w.Wait()
		s := w.Review
		w.Resize(fyne.NewSize(1280, 800))
		test.LaidOutObjects(w.Content())
		w.Wait() // the form laid out again for the rows the boxes wrapped into
		s.Select(0)
		w.Wait()
		test.LaidOutObjects(w.Content())
		w.Wait()
		d := fyne.CurrentApp().Driver()
		last := s.Deciders.checks[len(s.Deciders.checks)-1]
		bottom := d.AbsolutePositionForObject(last).Y + last.Size().Height
		box := d.AbsolutePositionForObject(s.Deciders.box).Y + s.Deciders.box.Size().Height
		comment := d.AbsolutePositionForObject(s.Comment).Y
		if len(s.Deciders.Options) != n || bottom > comment || bottom > box+1 {
			t.Errorf("%d members: the last box ends at y=%.0f, its grid at %.0f, 考核评语 starts at %.0f", len(s.Deciders.Options), bottom, box, comment)
		}
		if rows := d.AbsolutePositionForObject(last).Y - d.AbsolutePositionForObject(s.Deciders.checks[0]).Y; rows <= 0 {
			t.Errorf("%d members in one row (%.0f px wide)", n, s.Deciders.box.Size().Width)
		}
	}
}

// slowFiling is a service whose filing queue waits to be let go.
type slowFiling struct {
	Service
	block   atomic.Bool
	release chan struct{}
}

func (s *slowFiling) FilingQueue(ctx context.Context) ([]kaohe.FilingItem, error) {
	if s.block.Load() {
		select {
		case <-s.release:
		case <-ctx.Done():
			<-s.release
		}
	}
	return s.Service.FilingQueue(ctx)
}

// TestScreenLeftWhileLoadingReadsAgain: a person opens 考核备案 and, before
// its queue is in, goes to another screen; the read is dropped. Back on
// 考核备案, the queue is read again and shown — not "loading" for ever.
func TestScreenLeftWhileLoadingReadsAgain(t *testing.T) {
	_, svc, _ := hqWindow(t)
	slow := &slowFiling{Service: svc, release: make(chan struct{})}
	w := NewWindow(Params{App: fyne.CurrentApp(), Service: slow, DocDir: t.TempDir(), DataDir: t.TempDir(), Now: func() time.Time { return demoToday }})
	t.Cleanup(w.Close)
	w.Wait()
	slow.block.Store(true)
	w.Open("nav.filing")
	if w.Filing == nil || w.Filing.Message.Text != T("loading") {
		t.Fatalf("filing shown while its queue is read: %v", w.Filing != nil)
	}
	w.Open("nav.review") // left before the queue came
	close(slow.release)
	w.Wait()
	if n := len(w.Filing.Queue.Rows()); n != 0 {
		t.Fatalf("the dropped read reached the screen left (%d rows)", n)
	}
	slow.block.Store(false)
	open(w, "nav.filing")
	if n := len(w.Filing.Queue.Rows()); n == 0 || w.Filing.Message.Text == T("loading") {
		t.Errorf("back on filing: %d rows, message %q", n, w.Filing.Message.Text)
	}
}
