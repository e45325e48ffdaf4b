package ui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"kaohe/internal/kaohe"
)

// Store work runs off the UI thread. Every screen embeds a loader; load and
// run start the work in a goroutine with a context the loader cancels when the
// screen goes away (another tab is chosen, the window rebuilds) or when the
// same screen starts newer work, and hand the result to the UI thread through
// fyne.DoAndWait — only if that context is still live, so a late answer never
// overwrites a newer one.
//
//	load(&s.loader, func(ctx context.Context) ([]kaohe.Training, error) {
//		return s.e.svc.Trainings(ctx)
//	}, func(items []kaohe.Training, err error) { … set widgets … })
//
// The work function must not touch widgets or the screen's fields: copy what
// it needs (a search text, an id) into locals before calling load.

// loader is one screen's work in flight. Its fields are the UI thread's.
type loader struct {
	e      *env
	cancel context.CancelFunc
	gen    uint64 // counts the work begun
	busy   bool   // the latest work's result has not reached the screen
	cut    bool   // stop cancelled work whose result the screen still lacks
}

// begin cancels the screen's previous work and returns a context for the next.
func (l *loader) begin() context.Context {
	l.stop()
	l.cut = false
	l.gen++
	l.busy = true
	ctx, cancel := context.WithCancel(l.e.ctx)
	l.cancel = cancel
	return ctx
}

// stop cancels the screen's work in flight: the screen went away.
func (l *loader) stop() {
	if l.cancel != nil {
		l.cancel()
		l.cancel = nil
	}
	if l.busy {
		l.cut, l.busy = true, false
	}
}

// cutShort says whether the screen was left before its latest read reached
// it: shown again, it reads again although its data did not change (else
// it would say "loading" until something changed).
func (l *loader) cutShort() bool { return l.cut }

// arrived records, on the UI thread, that the result of work gen reached
// the screen (or failed).
func (l *loader) arrived(gen uint64) {
	if l.gen == gen {
		l.busy = false
	}
}

// load runs work in a goroutine and gives its result to apply on the UI
// thread, unless the screen went away or started newer work meanwhile.
func load[T any](l *loader, work func(ctx context.Context) (T, error), apply func(T, error)) {
	ctx := l.begin()
	e, gen := l.e, l.gen
	e.work.started()
	go func() {
		v, err := work(ctx)
		if ctx.Err() != nil {
			e.work.done(nil)
			return
		}
		e.work.deliver(func() {
			if ctx.Err() == nil {
				l.arrived(gen)
				apply(v, err)
			}
		})
	}()
}

// inflight counts the store work started and not yet handed back. Fyne's
// test driver runs fyne.Do on the calling goroutine, which would be the
// worker's; under it (queued) results wait in a queue until Wait runs them
// on the test's goroutine, as the UI thread would.
type inflight struct {
	queued bool
	mu     sync.Mutex
	cond   sync.Cond
	n      int
	queue  []func()
	// longest is the longest a result held the UI thread in wait, since
	// the last longestApply (benchmarks: how long the window froze).
	longest time.Duration
}

// longestApply returns the longest a result handed over by wait held the
// UI thread since it was last asked, and starts counting again.
func (f *inflight) longestApply() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := f.longest
	f.longest = 0
	return d
}

func (f *inflight) started() {
	f.mu.Lock()
	f.n++
	f.mu.Unlock()
}

// deliver hands a result to the UI thread.
func (f *inflight) deliver(apply func()) {
	if f.queued {
		f.done(apply)
		return
	}
	fyne.DoAndWait(apply)
	f.done(nil)
}

// post hands apply to the UI thread from any goroutine, for news that is
// not the answer of a load: progress, the background sync's status.
func (f *inflight) post(apply func()) {
	if !f.queued {
		fyne.Do(apply)
		return
	}
	f.mu.Lock()
	f.queue = append(f.queue, apply)
	f.cond.Broadcast()
	f.mu.Unlock()
}

// done ends one piece of work, queueing its result (test driver).
func (f *inflight) done(apply func()) {
	f.mu.Lock()
	f.n--
	if apply != nil {
		f.queue = append(f.queue, apply)
	}
	f.cond.Broadcast()
	f.mu.Unlock()
}

// wait runs the queued results on the caller's goroutine until no work is
// left, also what those results started in turn.
func (f *inflight) wait() {
	for {
		f.mu.Lock()
		for len(f.queue) == 0 && f.n > 0 {
			f.cond.Wait()
		}
		if len(f.queue) == 0 {
			f.mu.Unlock()
			return
		}
		apply := f.queue[0]
		f.queue = f.queue[1:]
		f.mu.Unlock()
		t0 := time.Now()
		apply()
		d := time.Since(t0)
		f.mu.Lock()
		f.longest = max(f.longest, d)
		f.mu.Unlock()
	}
}

// run is load for work without a result (a save, an import).
func run(l *loader, work func(ctx context.Context) error, done func(error)) {
	load(l, func(ctx context.Context) (struct{}, error) { return struct{}{}, work(ctx) }, func(_ struct{}, err error) { done(err) })
}

// version counts the changes of the window's data by kind of record
// (kaohe entity names): the writes made through the window, what a sync or a
// bundle applied. A screen shown again reads again only when a kind it shows
// changed since its last read.
type version struct {
	mu  sync.Mutex
	n   uint64            // one more at every change
	all uint64            // n at the last change of everything
	at  map[string]uint64 // kind -> n at its last change
}

// get returns the version now, to remember with a read.
func (v *version) get() uint64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.n
}

// bump records a change of the given kinds; of everything when none is
// given (a restore, an import whose kinds are not known).
func (v *version) bump(kinds ...string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.n++
	if len(kinds) == 0 {
		v.all = v.n
		return
	}
	if v.at == nil {
		v.at = map[string]uint64{}
	}
	for _, k := range kinds {
		v.at[k] = v.n
	}
}

// changed says whether any of the kinds changed after the version since;
// with kinds nil, whether anything did.
func (v *version) changed(since uint64, kinds []string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if kinds == nil || v.all > since {
		return v.n > since
	}
	for _, k := range kinds {
		if v.at[k] > since {
			return true
		}
	}
	return false
}

// The kinds of record the screens show, by what they read.
var (
	// managerKinds: a manager and their level, in every picker and list.
	managerKinds = []string{kaohe.EntManager, kaohe.EntLevelAssignment, kaohe.EntLevelChange}
	// applicationKinds: an application and its review.
	applicationKinds = []string{kaohe.EntApplication, kaohe.EntApplicationEvent, kaohe.EntDecision, kaohe.EntExemption,
		kaohe.EntLevel, kaohe.EntCertificate}
	// assessmentKinds: an assessment, what it is scored by and what it
	// shows as evidence.
	assessmentKinds = []string{kaohe.EntAssessment, kaohe.EntPeriod, kaohe.EntTemplate, kaohe.EntLevel,
		kaohe.EntResearch, kaohe.EntFiling, kaohe.EntTarget, kaohe.EntActual}
	// accountKinds: sign-ins and HQ's blocks.
	accountKinds = []string{kaohe.EntAccount, kaohe.EntAccountBlock, kaohe.EntHQAccount}
	// referenceKinds: HQ's reference data.
	referenceKinds = []string{kaohe.EntLevel, kaohe.EntTemplate, kaohe.EntPeriod, kaohe.EntReviewMember}
)

// kindsOf joins groups of kinds.
func kindsOf(groups ...[]string) []string {
	var out []string
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// managerCache keeps the managers read until a manager or a level changes,
// so the screens' pickers do not each read thousands of rows again.
type managerCache struct {
	mu     sync.Mutex
	at     uint64
	ok     bool
	active []kaohe.ManagerLevel
	all    []kaohe.ManagerLevel
	byID   map[string]kaohe.ManagerLevel // all of them, shared read-only by every screen
}

// managers returns every manager (also those who left, whose records still
// show their names) and the active ones, read again only after managers or
// their levels changed. It runs on any goroutine.
func (e *env) managers(ctx context.Context) (all, active []kaohe.ManagerLevel, err error) {
	c := &e.cache
	v := e.data.get()
	c.mu.Lock()
	if c.ok && !e.data.changed(c.at, managerKinds) {
		all, active = c.all, c.active
		c.mu.Unlock()
		return all, active, nil
	}
	c.mu.Unlock()
	all, err = e.svc.ListManagers(ctx, kaohe.ManagerFilter{})
	if err != nil {
		return nil, nil, err
	}
	for _, m := range all {
		if m.Status == kaohe.StatusActive {
			active = append(active, m)
		}
	}
	c.mu.Lock()
	c.at, c.ok, c.all, c.active, c.byID = v, true, all, active, nil
	c.mu.Unlock()
	return all, active, nil
}

// byID returns the managers by id, for lookups only (never written to): for
// a list e.managers returned, the one map of every manager its data version
// shares with every screen (10,000 managers are ~3 MB a copy, and five
// screens each kept one); for any other list, a map of its own.
func (e *env) byID(ms []kaohe.ManagerLevel) map[string]kaohe.ManagerLevel {
	c := &e.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	shared := c.ok && len(ms) > 0 && (sameSlice(ms, c.all) || sameSlice(ms, c.active))
	if shared && c.byID != nil {
		return c.byID
	}
	from := ms
	if shared {
		from = c.all
	}
	m := make(map[string]kaohe.ManagerLevel, len(from))
	for _, x := range from {
		m[x.ID] = x
	}
	if shared {
		c.byID = m
	}
	return m
}

func sameSlice(a, b []kaohe.ManagerLevel) bool {
	return len(a) == len(b) && len(a) > 0 && &a[0] == &b[0]
}
