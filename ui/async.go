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
	l.e.pending.Add(1)
	go func() {
		defer l.e.pending.Done()
		v, err := work(ctx)
		if ctx.Err() != nil {
			return
		}
		fyne.DoAndWait(func() {
			if ctx.Err() == nil {
				apply(v, err)
			}
		})
	}()
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
	c.at, c.ok, c.all, c.active = v, true, all, active
	c.mu.Unlock()
	return all, active, nil
}
