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
	Now      func() time.Time

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
	for {
		pending, err := e.Store.PendingChanges(ctx, e.batch())
		if err != nil {
			return err
		}
		if len(pending) == 0 {
			break
		}
		wire := make([]protocol.Change, len(pending))
		for i, c := range pending {
			wire[i] = protocol.Change{ID: c.ID, Entity: c.Entity, RowID: c.RowID, Op: c.Op, Payload: c.Payload, At: c.Created}
		}
		results, err := e.Client.Push(ctx, wire)
		if err != nil {
			return err
		}
		outcomes := make([]store.Outcome, len(results))
		for i, r := range results {
			outcomes[i] = store.Outcome{ChangeID: r.ID}
			if r.Status == protocol.Refused {
				outcomes[i].Refused = r.Message
			}
		}
		if err := e.Store.MarkPushed(ctx, outcomes); err != nil {
			return err
		}
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
