package server

import (
	"context"
	"net/http"
	"sync"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/hq"
	"kaohe/sync/protocol"
)

// Pipelined pushes (protocol.PushRequest.After): a showroom may send batch
// N+1 while HQ still applies batch N, so HQ reads and decodes the next
// batch while the one before is written. HQ applies a credential's batches
// in the order they were sent: a batch naming the change it comes after
// waits, holding no database connection, until HQ has committed that
// change's batch; if every other push of the credential has ended without
// it, or after orderWait, the batch is refused whole (CodeOutOfOrder) with
// nothing applied, and its sender sends it again once it has the earlier
// answer.
var (
	orderWait  = 30 * time.Second // longest wait for the batch before
	orderGrace = 2 * time.Second  // wait for a batch before that has not arrived yet
	maxPending = 4                // pushes of one credential at HQ at once
	recentKept = 16               // answered batches remembered per credential
	orderClock = func() time.Time { return time.Now() }
)

// errOutOfOrder refuses a batch sent out of order (outOfOrder answers it).
var errOutOfOrder = kaohe.Errorf(kaohe.ECONFLICT, "err.push_out_of_order")

// outOfOrder answers a push refused by waitFor or begin: 409 with
// protocol.CodeOutOfOrder, nothing applied.
func (s *Server) outOfOrder(w http.ResponseWriter) {
	writeJSON(w, http.StatusConflict, protocol.Error{Code: protocol.CodeOutOfOrder, Key: errOutOfOrder.Key,
		Message: "总部尚未收到上一批更改 / the batch before this one has not reached HQ"})
}

// order is what HQ knows of each credential's pushes in flight.
type order struct {
	mu    sync.Mutex
	creds map[string]*credPushes
}

type credPushes struct {
	inFlight int
	answered []string      // the last change of each batch committed lately, newest last
	changed  chan struct{} // closed (and replaced) when a push ends
}

func (o *order) of(cred string) *credPushes {
	if o.creds == nil {
		o.creds = map[string]*credPushes{}
	}
	c := o.creds[cred]
	if c == nil {
		c = &credPushes{changed: make(chan struct{})}
		o.creds[cred] = c
	}
	return c
}

// begin counts a push of cred in; false when it has too many at HQ.
func (o *order) begin(cred string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	c := o.of(cred)
	if c.inFlight >= maxPending {
		return false
	}
	c.inFlight++
	return true
}

// end counts a push out; last is the last change of its batch when the
// batch was committed ("" when it was not).
func (o *order) end(cred, last string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	c := o.of(cred)
	c.inFlight--
	if last != "" {
		c.answered = append(c.answered, last)
		if len(c.answered) > recentKept {
			c.answered = append(c.answered[:0], c.answered[len(c.answered)-recentKept:]...)
		}
	}
	close(c.changed)
	c.changed = make(chan struct{})
	if c.inFlight == 0 && len(c.answered) == 0 {
		delete(o.creds, cred)
	}
}

// state says whether change after is answered, how many other pushes of
// cred are at HQ, and a channel closed when one of them ends.
func (o *order) state(cred, after string) (answered bool, others int, changed <-chan struct{}) {
	o.mu.Lock()
	defer o.mu.Unlock()
	c := o.of(cred)
	for _, a := range c.answered {
		if a == after {
			return true, c.inFlight - 1, c.changed
		}
	}
	return false, c.inFlight - 1, c.changed
}

// waitFor returns once HQ has answered change after for cred, or the
// refusal of a batch sent out of order.
func (o *order) waitFor(ctx context.Context, st *hq.Store, cred hq.Credential, after string) error {
	start := orderClock()
	checked := false // the log was read since the last push of cred ended
	ended := false   // a push of cred ended while this one waited
	for {
		answered, others, changed := o.state(cred.ID, after)
		if answered {
			return nil
		}
		waited := orderClock().Sub(start)
		if others == 0 && !checked {
			// Nothing of cred is on its way: the change may have been
			// answered before this server started.
			ok, err := st.Logged(ctx, cred, after)
			if err != nil || ok {
				return err
			}
			checked = true
			if ended {
				return errOutOfOrder // the pushes before ended without it
			}
		}
		limit := orderWait
		if others == 0 {
			limit = orderGrace
		}
		if waited >= limit {
			return errOutOfOrder
		}
		t := time.NewTimer(limit - waited)
		select {
		case <-changed:
			checked, ended = false, true
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
		t.Stop()
	}
}
