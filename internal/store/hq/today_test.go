package hq

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"kaohe/internal/kaohe"
)

// TestNewHQSeedsThePolicysYear: a new HQ on a machine kept in UTC, started
// at 01:00 on New Year's Day in the showrooms (17:00 UTC on 31 December),
// publishes the new year's periods: its day is the policy's (kaohe.Today),
// not its machine's zone's.
func TestNewHQSeedsThePolicysYear(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC)
	s, err := Open(ctx, filepath.Join(t.TempDir(), "hq.db"), WithClock(func() time.Time { return at }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, want := s.today(), kaohe.D(2027, 1, 1); got != want {
		t.Errorf("HQ's day at %s: %s; want %s", at, got, want)
	}
	h1, _ := kaohe.StandardPeriod(kaohe.PeriodHalf, 2027, 1)
	var p kaohe.Period
	if err := s.RowPayload(ctx, kaohe.EntPeriod, h1.ID, &p); err != nil {
		t.Errorf("the new year's first half %s not published: %v", h1.ID, err)
	}
}
