// Package engine runs the sync: push the outbox, then pull HQ's changes.
// It depends on a small client interface, so tests drive it step by step
// against a real server or a faulty one. Sync is one synchronous pass; Run
// repeats it in the background while the app is open.
package engine

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/sync/protocol"
)

// Client is what the engine needs of the HQ server.
type Client interface {
	Health(ctx context.Context) error
	Push(ctx context.Context, changes []protocol.Change) ([]protocol.Result, error)
	Pull(ctx context.Context, cursor int64, limit int) (protocol.PullResponse, error)
}

// Engine syncs one database with HQ.
type Engine struct {
	Store  *store.Store
	Client Client
	HQ     string
	Batch  int           // changes per request; default 500
	Every  time.Duration // pause between syncs while online; default 1 min
	// OnStatus, if set, is told every change of status (from Run's goroutine).
	OnStatus func(kaohe.SyncStatus)
	// AfterSync, if set, runs after every sync with its result (the update
	// check, release.go: also after a "please upgrade" refusal).
	AfterSync func(ctx context.Context, err error)
	Now       func() time.Time

	mu     sync.Mutex
	status kaohe.SyncStatus
	kick   chan struct{}
}

func (e *Engine) batch() int {
	if e.Batch <= 0 {
		return 500
	}
	return e.Batch
}

// Status returns the current sync status.
func (e *Engine) Status(ctx context.Context) kaohe.SyncStatus {
	e.mu.Lock()
	st := e.status
	e.mu.Unlock()
	st.Enrolled, st.HQ = e.Client != nil, e.HQ
	st.Pending, _ = e.Store.PendingCount(ctx)
	if r, err := e.Store.Refused(ctx); err == nil {
		st.Refused = len(r)
	}
	if st.LastSync.IsZero() {
		if v, _ := e.Store.Meta(ctx, store.MetaLastSync); v != "" {
			st.LastSync, _ = time.Parse(time.RFC3339, v)
		}
	}
	return st
}

func (e *Engine) update(ctx context.Context, f func(*kaohe.SyncStatus)) {
	e.mu.Lock()
	f(&e.status)
	e.mu.Unlock()
	if e.OnStatus != nil {
		e.OnStatus(e.Status(ctx))
	}
}

// Sync pushes every pending change, then pulls everything HQ has for this
// database. Interrupted anywhere, it loses and duplicates nothing: a change
// leaves the outbox only once HQ answered for it, and pulled changes are
// applied together with their cursor.
func (e *Engine) Sync(ctx context.Context) error {
	if e.Client == nil {
		return kaohe.Errorf(kaohe.ECONFLICT, "err.not_enrolled")
	}
	e.update(ctx, func(s *kaohe.SyncStatus) { s.Running = true })
	err := e.sync(ctx)
	now := time.Now()
	if e.Now != nil {
		now = e.Now()
	}
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	e.Store.NoteSync(context.WithoutCancel(ctx), now, msg)
	if e.AfterSync != nil {
		e.AfterSync(ctx, err)
	}
	e.update(ctx, func(s *kaohe.SyncStatus) {
		s.Running, s.LastError = false, err
		s.Online = err == nil || !isOffline(err)
		if err == nil {
			s.LastSync = now
		}
	})
	return err
}

func (e *Engine) sync(ctx context.Context) error {
	if err := e.push(ctx); err != nil {
		return err
	}
	for {
		cursor, err := e.Store.PullCursor(ctx)
		if err != nil {
			return err
		}
		resp, err := e.Client.Pull(ctx, cursor, e.batch())
		if err != nil {
			return err
		}
		if len(resp.Changes) > 0 {
			changes := make([]store.Change, len(resp.Changes))
			for i, c := range resp.Changes {
				changes[i] = store.Change{ID: c.ID, Entity: c.Entity, RowID: c.RowID, Op: c.Op, Payload: c.Payload, Created: c.At}
			}
			if err := e.Store.ApplyRemote(ctx, "总部同步", changes, resp.Cursor); err != nil {
				return err
			}
		}
		if !resp.More {
			return nil
		}
	}
}

// push sends the outbox in batches, pipelined: while HQ applies one batch,
// the previous one is marked sent and the next is read. A change leaves the
// outbox only once HQ has answered for it, so a push cut short anywhere at
// worst sends a batch again, which HQ answers as duplicates.
func (e *Engine) push(ctx context.Context) error {
	type answer struct {
		results []protocol.Result
		err     error
	}
	batch, err := e.Store.PendingChangesAfter(ctx, 0, e.batch())
	if err != nil {
		return err
	}
	var toMark []store.Outcome
	for len(batch) > 0 {
		wire := make([]protocol.Change, len(batch))
		for i, c := range batch {
			wire[i] = protocol.Change{ID: c.ID, Entity: c.Entity, RowID: c.RowID, Op: c.Op, Payload: c.Payload, At: c.Created}
		}
		answered := make(chan answer, 1)
		go func() {
			res, err := e.Client.Push(ctx, wire)
			answered <- answer{res, err}
		}()
		var markErr, readErr error
		if toMark != nil {
			markErr = e.Store.MarkPushed(ctx, toMark)
		}
		next, readErr := e.Store.PendingChangesAfter(ctx, batch[len(batch)-1].Seq, e.batch())
		a := <-answered
		switch {
		case a.err != nil:
			return a.err
		case markErr != nil:
			return markErr
		case readErr != nil:
			return readErr
		}
		toMark = make([]store.Outcome, len(a.results))
		for i, r := range a.results {
			toMark[i] = store.Outcome{ChangeID: r.ID}
			if r.Status == protocol.Refused {
				toMark[i].Refused = r.Message
			}
		}
		batch = next
	}
	if toMark != nil {
		return e.Store.MarkPushed(ctx, toMark)
	}
	return nil
}

func isOffline(err error) bool {
	var ke *kaohe.Error
	return errors.As(err, &ke) && ke.Key == "err.offline"
}

// Kick asks Run to sync now (after a local write, or the Sync button).
func (e *Engine) Kick() {
	e.mu.Lock()
	if e.kick == nil {
		e.kick = make(chan struct{}, 1)
	}
	k := e.kick
	e.mu.Unlock()
	select {
	case k <- struct{}{}:
	default:
	}
}

// Run syncs while ctx lives: when HQ answers its health check, then every
// Every, or at once when kicked; after a failure it waits with exponential
// backoff and jitter (2 s up to 5 min) and tries again by itself, so a
// stuck queue is retried even if nobody writes anything.
func (e *Engine) Run(ctx context.Context) {
	e.Kick() // the first sync at start
	every := e.Every
	if every <= 0 {
		every = time.Minute
	}
	backoff := 2 * time.Second
	for {
		wait := every
		e.mu.Lock()
		kick := e.kick
		e.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-kick:
		case <-time.After(jitter(wait)):
		}
		err := e.Client.Health(ctx)
		if err == nil {
			err = e.Sync(ctx)
		} else {
			e.update(ctx, func(s *kaohe.SyncStatus) { s.Online, s.LastError = false, err })
		}
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(jitter(backoff)):
			}
			backoff = min(backoff*2, 5*time.Minute)
			e.Kick()
			continue
		}
		backoff = 2 * time.Second
	}
}

func jitter(d time.Duration) time.Duration {
	return d/2 + time.Duration(rand.Int64N(int64(d)))
}

func nowStamp() string { return time.Now().UTC().Format(time.RFC3339) }
