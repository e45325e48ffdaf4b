// Package engine runs the sync: push the outbox, then pull HQ's changes.
// It depends on a small client interface, so tests drive it step by step
// against a real server or a faulty one. Sync is one synchronous pass; Run
// repeats it in the background while the app is open.
package engine

import (
	"context"
	"errors"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/sync/client"
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
	Batch  int // changes per request; default defaultBatch
	// Pipeline is how many batches may be at HQ at once (default 2; 1 sends
	// each batch after the answer for the one before).
	Pipeline int
	Every    time.Duration // pause between syncs while online; default 1 min
	// OnStatus, if set, is told every change of status (from Run's
	// goroutine). Set it before Start, or later with SetOnStatus.
	OnStatus func(kaohe.SyncStatus)
	// AfterSync, if set, runs after every sync with its result (the update
	// check, release.go: also after a "please upgrade" refusal).
	AfterSync func(ctx context.Context, err error)
	Now       func() time.Time

	syncMu sync.Mutex // held for a whole sync pass: SyncNow and Run never overlap

	mu       sync.Mutex // guards what follows
	status   kaohe.SyncStatus
	kick     chan struct{}
	onStatus func(kaohe.SyncStatus)
	onSet    bool
	cancel   context.CancelFunc
	done     chan struct{}
}

// SetOnStatus sets who hears of every change of status; safe while running.
func (e *Engine) SetOnStatus(f func(kaohe.SyncStatus)) {
	e.mu.Lock()
	e.onStatus, e.onSet = f, true
	e.mu.Unlock()
}

// Start runs the background sync (Run) in its own goroutine until Stop or
// until ctx ends. Starting a running engine does nothing.
func (e *Engine) Start(ctx context.Context) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.done != nil {
		return
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	e.cancel, e.done = cancel, done
	go func() {
		defer close(done)
		e.Run(rctx)
	}()
}

// Stop ends the background sync and waits until its goroutine has returned,
// so nothing of it touches the store afterwards. A sync under way is
// cancelled; what it had done stays (every step commits whole).
func (e *Engine) Stop() {
	e.mu.Lock()
	cancel, done := e.cancel, e.done
	e.cancel, e.done = nil, nil
	e.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

// Running says whether the background sync runs.
func (e *Engine) Running() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.done != nil
}

// pipeline is how many batches may be at HQ at once.
func (e *Engine) pipeline() int {
	if e.Pipeline <= 0 {
		return defaultPipeline
	}
	return e.Pipeline
}

// defaultPipeline: HQ decodes the next batch while it applies one.
const defaultPipeline = 2

// defaultBatch is the changes per request: HQ's cost per request (a
// transaction, its commit and its sync to the disk, reading what the batch
// refers to) is paid 10x less often than with 400 (docs/BENCHMARKS.md,
// two-process sync). A pass starts smaller (rampShift).
const defaultBatch = 4000

// rampShift: a pass's first batch is the batch size over 2^rampShift, each
// next one twice the one before, up to the size. HQ applies nothing until
// the first batch has been read, numbered, encoded, sent and decoded; a
// small one gets it working sooner, while the next ones are read behind it.
const rampShift = 2

// pushBudget is the most a push request carries of its changes' payloads:
// half of what HQ reads of a request (protocol.MaxBodyBytes), the rest left
// for the fields around them. A batch read of long rows (notes, research
// texts) goes to HQ as several requests, never as one HQ refuses as too
// large. (A variable for the tests.)
var pushBudget = protocol.MaxBodyBytes / 2

func (e *Engine) batch() int {
	if e.Batch <= 0 {
		return defaultBatch
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
	if w, n, err := e.Store.Waiting(ctx, 1); err == nil && n > 0 {
		st.Waiting, st.WaitingFor = n, w[0].Refused
	}
	if st.LastSync.IsZero() {
		if v, _ := e.Store.Meta(ctx, store.MetaLastSync); v != "" {
			st.LastSync, _ = time.Parse(time.RFC3339, v)
		}
	}
	return st
}

// update changes the status and tells the listener. Applied is news of
// one sync's end only: any other update says nothing was applied.
func (e *Engine) update(ctx context.Context, f func(*kaohe.SyncStatus)) {
	e.mu.Lock()
	e.status.Applied = nil
	f(&e.status)
	listener := e.OnStatus
	if e.onSet {
		listener = e.onStatus
	}
	e.mu.Unlock()
	if listener != nil {
		listener(e.Status(ctx))
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
	e.syncMu.Lock()
	defer e.syncMu.Unlock()
	e.update(ctx, func(s *kaohe.SyncStatus) { s.Running = true })
	applied := kinds{}
	err := e.sync(ctx, applied)
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
		s.Applied = applied.names() // also what a sync cut short had applied
		if err == nil {
			s.LastSync = now
		}
	})
	return err
}

// kinds collects the entity names of the changes a sync wrote here.
type kinds map[string]bool

func (k kinds) add(changes []store.Change) {
	for _, c := range changes {
		k[c.Entity] = true
	}
}

// names lists the kinds, sorted; nil for none.
func (k kinds) names() []string {
	if len(k) == 0 {
		return nil
	}
	out := make([]string, 0, len(k))
	for n := range k {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (e *Engine) sync(ctx context.Context, applied kinds) error {
	if c, ok := e.Client.(confirmer); ok {
		if err := confirm(ctx, e.Store, c); err != nil {
			return err
		}
	}
	if err := e.recover(ctx, applied); err != nil {
		return err
	}
	progress := kaohe.SyncProgressOf(ctx)
	var p kaohe.SyncProgress
	if err := e.push(ctx, &p, progress); err != nil {
		return err
	}
	if err := e.pull(ctx, applied, &p, progress); err != nil {
		return err
	}
	// Changes that waited for reference data HQ had not published go again
	// when this pull brought some (HQ published the period since): they are
	// taken in by this sync, not the next one.
	if applied[kaohe.EntPeriod] {
		if _, n, err := e.Store.Waiting(ctx, 0); err != nil || n == 0 {
			return err
		}
		return e.push(ctx, &p, progress)
	}
	return nil
}

// pull applies everything HQ has for this database after its cursor, then
// tries the pulled changes still waiting again.
func (e *Engine) pull(ctx context.Context, applied kinds, p *kaohe.SyncProgress, progress func(kaohe.SyncProgress)) error {
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
				changes[i] = fromWire(c)
			}
			if err := e.Store.ApplyRemote(ctx, "总部同步", changes, resp.Cursor); err != nil {
				return err
			}
			applied.add(changes)
			p.Received += len(changes)
			progress(*p)
		}
		if !resp.More {
			// Pulled changes still waiting are tried again even when nothing
			// new came: a local edit may have freed their way (the user
			// renumbered a manager HQ refused as a second one).
			return e.retryPending(ctx, applied)
		}
	}
}

// retryPending applies the pulled changes parked earlier that can go in
// now; when some did, their kinds are unknown here, so every kind counts
// as applied.
func (e *Engine) retryPending(ctx context.Context, applied kinds) error {
	before, err := e.Store.PendingRemote(ctx)
	if err != nil || before == 0 {
		return err
	}
	if err := e.Store.RetryPending(ctx); err != nil {
		return err
	}
	if after, err := e.Store.PendingRemote(ctx); err != nil || after < before {
		for _, en := range kaohe.Entities() {
			applied[en.Name] = true
		}
	}
	return nil
}

// confirmer is a client that can confirm an enrollment.
type confirmer interface {
	Confirm(ctx context.Context, replica string) error
}

// Recoverer is a client that can fetch, after a restore, the caller's own
// rows as HQ holds them.
type Recoverer interface {
	Recover(ctx context.Context, cursor int64, limit int) (protocol.RecoverResponse, error)
}

// encodedPusher is a client that sends a push encoded ahead
// (client.EncodePush).
type encodedPusher interface {
	PushEncoded(ctx context.Context, b client.PushBody) ([]protocol.Result, error)
}

// replicaPusher is a client that names the sending replica with a push.
type replicaPusher interface {
	PushFrom(ctx context.Context, replica string, changes []protocol.Change) ([]protocol.Result, error)
}

// recover runs after a restore, before anything is sent: every row of this
// showroom HQ holds comes back (newer states than the backup's win by their
// counters; changes made here and not sent yet stay), and the replica's
// sequence goes on after what HQ has seen of it.
func (e *Engine) recover(ctx context.Context, applied kinds) error {
	need, err := e.Store.NeedsRecovery(ctx)
	if err != nil || !need {
		return err
	}
	r, ok := e.Client.(Recoverer)
	if !ok {
		return nil
	}
	var cursor, hqSeq int64
	for {
		resp, err := r.Recover(ctx, cursor, e.batch())
		if err != nil {
			return err
		}
		changes := make([]store.Change, len(resp.Changes))
		for i, c := range resp.Changes {
			changes[i] = fromWire(c)
		}
		if err := e.Store.ApplyRecovered(ctx, changes); err != nil {
			return err
		}
		applied.add(changes)
		cursor, hqSeq = resp.Cursor, resp.ReplicaSeq
		if !resp.More {
			break
		}
	}
	return e.Store.FinishRecovery(ctx, hqSeq)
}

func fromWire(c protocol.Change) store.Change {
	return store.Change{ID: c.ID, Entity: c.Entity, RowID: c.RowID, Op: c.Op, Payload: c.Payload, Created: c.At, Version: c.Version, By: c.By}
}

// withinBudget is how many of a batch's first changes one push request
// carries: as many as fit pushBudget with their payloads, and never none.
func withinBudget(batch []store.Change) int {
	bytes := 0
	for i, c := range batch {
		if bytes += len(c.Payload) + len(c.By); bytes > pushBudget && i > 0 {
			return i
		}
	}
	return len(batch)
}

func toWire(c store.Change) protocol.Change {
	return protocol.Change{ID: c.ID, Entity: c.Entity, RowID: c.RowID, Op: c.Op, Payload: c.Payload, At: c.Created, Version: c.Version, RSeq: c.RSeq, By: c.By}
}

// push sends the outbox in batches, pipelined: while HQ applies one batch,
// the next one is already on its way (HQ decodes it meanwhile and applies
// it only after the one before: protocol.PushRequest.After), the answers
// before are recorded, and the batch after is numbered, read and encoded.
// A change leaves the outbox only once HQ has answered for it, so a push
// cut short anywhere at worst sends a batch again, which HQ answers as
// duplicates. Each batch answered is reported to progress.
func (e *Engine) push(ctx context.Context, p *kaohe.SyncProgress, progress func(kaohe.SyncProgress)) error {
	replica, err := e.Store.Meta(ctx, store.MetaReplica)
	if err != nil {
		return err
	}
	// A client that encodes ahead gets each batch encoded while HQ applies
	// the one before, and sends batches pipelined; others get the changes
	// as they are, one batch at a time.
	ep, encodes := e.Client.(encodedPusher)
	depth := 1 // batches at HQ at once
	if encodes {
		depth = e.pipeline()
	}
	sendCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		queue    []*flight       // sent, in order, waiting for HQ's answer
		answered []store.Outcome // HQ's answers not yet recorded
		seq      int64           // the last change read
		last     string          // the last change read, which the next batch comes after
		done     bool            // nothing more to read
		carry    []store.Change  // read and numbered, not yet sent: the rest of a read over pushBudget
		first    = true
		ramp     = rampShift
	)
	encode := func(f *flight) (err error) {
		if encodes {
			f.body, err = client.EncodePush(replica, f.after, f.wire)
		}
		return err
	}
	// prepare records the answers so far and reads the next batch (numbered
	// in the same transaction), encoded; nil when nothing is left.
	prepare := func() (*flight, error) {
		batch := carry
		carry = nil
		if len(batch) == 0 {
			if done {
				return nil, nil
			}
			size := max(e.batch()>>ramp, 1)
			ramp = max(ramp-1, 0)
			var err error
			if batch, err = e.Store.NextToSend(ctx, answered, seq, size); err != nil {
				return nil, err
			}
			answered = nil
			if first && len(batch) > 0 {
				first = false
				if p.ToSend, err = e.Store.PendingCount(ctx); err != nil {
					return nil, err
				}
				progress(*p)
			}
			if len(batch) == 0 {
				done = true
				return nil, nil
			}
			seq = batch[len(batch)-1].Seq
		}
		if n := withinBudget(batch); n < len(batch) {
			batch, carry = batch[:n], batch[n:]
		}
		f := &flight{batch: batch, wire: make([]protocol.Change, len(batch))}
		for i, c := range batch {
			f.wire[i] = toWire(c)
		}
		if depth > 1 {
			f.after = last // "" for the first of the pass
		}
		last = batch[len(batch)-1].ID
		return f, encode(f)
	}
	send := func(f *flight) {
		f.answered = make(chan answer, 1)
		go func() {
			var a answer
			switch rp, ok := e.Client.(replicaPusher); {
			case encodes:
				a.results, a.err = ep.PushEncoded(sendCtx, f.body)
			case ok:
				a.results, a.err = rp.PushFrom(sendCtx, replica, f.wire)
			default:
				a.results, a.err = e.Client.Push(sendCtx, f.wire)
			}
			f.answered <- a
		}()
	}
	// fail stops what is still at HQ and waits for it: nothing of it is
	// recorded (HQ answers it as duplicates when it comes again), while the
	// answers in hand are.
	fail := func(err error) error {
		cancel()
		for _, f := range queue {
			<-f.answered
		}
		if len(answered) > 0 {
			if merr := e.Store.MarkPushed(context.WithoutCancel(ctx), answered); merr != nil {
				return errors.Join(err, merr)
			}
		}
		return err
	}
	next, err := prepare()
	if err != nil {
		return err
	}
	for next != nil || len(queue) > 0 {
		for next != nil && len(queue) < depth {
			send(next)
			queue = append(queue, next)
			if next, err = prepare(); err != nil {
				return fail(err)
			}
		}
		f := queue[0]
		a := <-f.answered
		if kaohe.ErrorCode(a.err) == protocol.CodeOutOfOrder && f.after != "" {
			// HQ had not answered the batch before when this one came (it
			// failed on the way and was sent again, or HQ restarted from an
			// older backup). That batch's answer is in hand now: this one is
			// sent again, after nothing.
			f.after = ""
			if err := encode(f); err != nil {
				return fail(err)
			}
			send(f)
			continue
		}
		queue = queue[1:]
		if a.err != nil {
			return fail(a.err)
		}
		if len(a.results) != len(f.batch) {
			return fail(kaohe.Errorf(kaohe.EINTERNAL, "err.sync_bad_answer"))
		}
		for i, r := range a.results {
			if r.ID != f.batch[i].ID {
				// HQ answers every change of a batch in order: an answer for
				// another change marks nothing.
				return fail(kaohe.Errorf(kaohe.EINTERNAL, "err.sync_bad_answer"))
			}
		}
		for i, r := range a.results {
			o := store.Outcome{ChangeID: r.ID, Seq: f.batch[i].Seq}
			switch {
			case r.Status == protocol.Refused && kaohe.Waits(r.Code):
				o.Waiting = r.Message // kept, and sent again
			case r.Status == protocol.Refused:
				o.Refused = r.Message
			}
			answered = append(answered, o)
		}
		p.Sent += len(f.batch)
		progress(*p)
	}
	if len(answered) > 0 {
		return e.Store.MarkPushed(ctx, answered)
	}
	return nil
}

// flight is one batch on its way to HQ.
type flight struct {
	batch    []store.Change
	wire     []protocol.Change
	after    string // the change HQ must have answered before this batch
	body     client.PushBody
	answered chan answer
}

type answer struct {
	results []protocol.Result
	err     error
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

// Run syncs while ctx lives (Start runs it in a goroutine Stop waits for): when HQ answers its health check, then every
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
