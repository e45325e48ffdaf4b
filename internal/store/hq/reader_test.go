package hq

import (
	"context"
	"testing"
	"time"
)

// TestTokensAreCheckedWhileAPushWrites: a request's token is checked on a
// reading connection, not behind the one writer, so a pipelined push is
// read and decoded while the batch before it is written; a revocation is
// seen by the next request all the same.
func TestTokensAreCheckedWhileAPushWrites(t *testing.T) {
	ctx := context.Background()
	s, _, token := enrolledShowroom(t)
	inTx, release, txDone := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		txDone <- s.tx(ctx, func(tx *txn) error {
			close(inTx)
			<-release
			return nil
		})
	}()
	<-inTx
	authed := make(chan error)
	go func() {
		_, err := s.Authenticate(ctx, token)
		authed <- err
	}()
	select {
	case err := <-authed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		close(release)
		<-txDone
		t.Fatal("the token check waited for the writer's transaction")
	}
	close(release)
	if err := <-txDone; err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeShowroom(ctx, "SH01"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, token); err == nil {
		t.Fatal("a revoked credential's token was accepted")
	}
}
