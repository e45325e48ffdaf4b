package ui

import (
	"context"
	"sync"
	"sync/atomic"

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

// loader is one screen's work in flight.
type loader struct {
	e      *env
	cancel context.CancelFunc
}

// begin cancels the screen's previous work and returns a context for the next.
func (l *loader) begin() context.Context {
	l.stop()
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
}

// load runs work in a goroutine and gives its result to apply on the UI
// thread, unless the screen went away or started newer work meanwhile.
func load[T any](l *loader, work func(ctx context.Context) (T, error), apply func(T, error)) {
	ctx := l.begin()
	e := l.e
	e.work.started()
	go func() {
		v, err := work(ctx)
		if ctx.Err() != nil {
			e.work.done(nil)
			return
		}
		e.work.deliver(func() {
			if ctx.Err() == nil {
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
		apply()
	}
}

// run is load for work without a result (a save, an import).
func run(l *loader, work func(ctx context.Context) error, done func(error)) {
	load(l, func(ctx context.Context) (struct{}, error) { return struct{}{}, work(ctx) }, func(_ struct{}, err error) { done(err) })
}

// version counts the writes made through the window and the syncs that
// ended: a screen shown again reloads only when it changed since its last
// load.
type version struct{ n atomic.Uint64 }

func (v *version) get() uint64 { return v.n.Load() }
func (v *version) bump()       { v.n.Add(1) }

// managerCache keeps the managers read at one data version, so the screens'
// pickers do not each read thousands of rows again.
type managerCache struct {
	mu     sync.Mutex
	at     uint64
	ok     bool
	active []kaohe.ManagerLevel
	all    []kaohe.ManagerLevel
	byID   map[string]kaohe.ManagerLevel // all of them, shared read-only by every screen
}

// managers returns every manager (also those who left, whose records still
// show their names) and the active ones, read once per data version. It runs
// on any goroutine.
func (e *env) managers(ctx context.Context) (all, active []kaohe.ManagerLevel, err error) {
	c := &e.cache
	v := e.data.get()
	c.mu.Lock()
	if c.ok && c.at == v {
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
