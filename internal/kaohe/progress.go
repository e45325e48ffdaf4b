package kaohe

import "context"

// SyncProgress is how far a sync under way has come: the local changes sent
// of those waiting when it began, and the changes received from HQ so far.
type SyncProgress struct {
	Sent, ToSend, Received int
}

type syncProgressKey struct{}

// WithSyncProgress returns a context whose sync reports its progress to f,
// from the sync's goroutine.
func WithSyncProgress(ctx context.Context, f func(SyncProgress)) context.Context {
	return context.WithValue(ctx, syncProgressKey{}, f)
}

// SyncProgressOf returns where a sync run with ctx reports its progress; a
// function doing nothing when nobody listens.
func SyncProgressOf(ctx context.Context) func(SyncProgress) {
	if f, ok := ctx.Value(syncProgressKey{}).(func(SyncProgress)); ok && f != nil {
		return f
	}
	return func(SyncProgress) {}
}

type progressKey struct{}

// WithProgress returns a context whose long work (reading a workbook)
// reports how far it came to f: done of total, total 0 when not known yet.
// f is called from the work's goroutine.
func WithProgress(ctx context.Context, f func(done, total int)) context.Context {
	return context.WithValue(ctx, progressKey{}, f)
}

// ProgressOf returns where work run with ctx reports its progress; a
// function doing nothing when nobody listens.
func ProgressOf(ctx context.Context) func(done, total int) {
	if f, ok := ctx.Value(progressKey{}).(func(done, total int)); ok && f != nil {
		return f
	}
	return func(int, int) {}
}
