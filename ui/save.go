package ui

import (
	"context"

	"fyne.io/fyne/v2"
)

// Writes run off the UI thread too. A screen's or a dialog's saver runs the
// writes its buttons start, one at a time:
//
//   - the buttons are disabled until the write is answered, and a second
//     tap or Enter meanwhile starts nothing: a record is never saved twice;
//   - the write's context is the window's (a save asked for is finished when
//     the person turns to another screen) or, for a dialog's saver, ends when
//     the dialog is cancelled (stop);
//   - the answer reaches the widgets on the UI thread, and a write that went
//     through refreshes the screen shown through the data version
//     (env.wrote): what it shows is read again once, the other screens read
//     again when next shown; a refused one leaves the form as typed.
//
// What the write needs (the typed values) is collected and checked on the UI
// thread before; the work function touches no widget.
type saver struct {
	loader
	busy    bool
	buttons []fyne.Disableable
}

func newSaver(e *env, buttons ...fyne.Disableable) *saver {
	return &saver{loader: loader{e: e}, buttons: buttons}
}

// saving says whether a write is under way.
func (sv *saver) saving() bool { return sv.busy }

// save runs work in a goroutine and hands its answer to done on the UI
// thread; false (nothing started) while an earlier write is under way. done
// is not called when the saver was stopped meanwhile (its dialog cancelled).
func save[T any](sv *saver, work func(ctx context.Context) (T, error), done func(T, error)) bool {
	if sv.busy {
		return false
	}
	sv.busy = true
	var off []fyne.Disableable
	for _, b := range sv.buttons {
		if !b.Disabled() {
			b.Disable()
			off = append(off, b)
		}
	}
	ctx := sv.begin()
	e := sv.e
	e.work.started()
	go func() {
		v, err := work(ctx)
		e.work.deliver(func() {
			cancelled := ctx.Err() != nil
			sv.busy = false
			if !cancelled {
				sv.stop() // releases the context
			}
			for _, b := range off {
				b.Enable()
			}
			if !cancelled {
				done(v, err)
			}
			// Refused, nothing was written (one transaction per write); a
			// cancelled write may have gone through.
			if (err == nil || cancelled) && e.wrote != nil {
				e.wrote()
			}
		})
	}()
	return true
}

// saveErr is save for a write without a result.
func saveErr(sv *saver, work func(ctx context.Context) error, done func(error)) bool {
	return save(sv, func(ctx context.Context) (struct{}, error) { return struct{}{}, work(ctx) }, func(_ struct{}, err error) { done(err) })
}
