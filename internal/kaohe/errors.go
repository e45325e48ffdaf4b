// Package kaohe is the domain of the customer-manager appraisal system: its
// entities and the company policy's rules as plain Go. It imports nothing of
// the project and only the standard library, so every other package (store,
// sync, documents, screens) calls the same rule.
package kaohe

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes, mapped by the UI and HTTP layers to a message or a status.
const (
	EINVALID      = "invalid"      // the input breaks a rule
	ENOTFOUND     = "not_found"    // the thing asked for does not exist
	ECONFLICT     = "conflict"     // the change contradicts the current state
	EUNAUTHORIZED = "unauthorized" // the caller may not do this
	EINTERNAL     = "internal"     // a fault of ours, not of the input
	// EAWAIT answers a change HQ cannot judge yet: it names reference data
	// HQ publishes (an assessment period) that HQ has not published. HQ
	// stores nothing of it; its sender keeps it waiting, unsent, and sends
	// it again until HQ publishes what it names (Waits).
	EAWAIT = "awaiting_hq"
)

// Waits reports whether a refusal's code (HQ's answer to one change) means
// the change waits for HQ's reference data rather than being refused: the
// sender keeps it and sends it again.
func Waits(code string) bool { return code == EAWAIT }

// Error is a domain error. Key names a translation ("err.report_too_short")
// and Args fill its template, so each edge shows it in the user's language.
type Error struct {
	Code  string
	Key   string
	Args  map[string]any
	Field string // the input field at fault, if any
}

// Errorf returns an *Error with the given code, translation key and
// arguments, given as name/value pairs.
func Errorf(code, key string, kv ...any) *Error {
	e := &Error{Code: code, Key: key}
	if len(kv) > 0 {
		e.Args = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			e.Args[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return e
}

// OnField returns a copy of e that names the input field at fault.
func (e *Error) OnField(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Key)
	if e.Field != "" {
		b.WriteString(" [" + e.Field + "]")
	}
	if len(e.Args) > 0 {
		keys := make([]string, 0, len(e.Args))
		for k := range e.Args {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s=%v", k, e.Args[k])
		}
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	return b.String()
}

// Is makes errors.Is match two domain errors with the same code and key.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Key == e.Key
}

// ErrorCode returns the code of the domain error in err's chain, or
// EINTERNAL when there is none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// Problems collects every problem of one input, so they are all reported at
// once instead of one per attempt.
type Problems []error

// Add records a problem; nil is ignored.
func (p *Problems) Add(err error) {
	if err != nil {
		*p = append(*p, err)
	}
}

// Err is nil without problems, the problem itself when there is one, and
// all of them joined (errors.Join) otherwise.
func (p Problems) Err() error {
	switch len(p) {
	case 0:
		return nil
	case 1:
		return p[0]
	}
	return errors.Join(p...)
}

// ErrorKey returns the message key of the domain error in err's chain, or
// "" when there is none.
func ErrorKey(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}

// Sentinel errors that callers compare with errors.Is.
var (
	ErrNotFound          = Errorf(ENOTFOUND, "err.not_found")
	ErrIllegalTransition = Errorf(ECONFLICT, "err.illegal_transition")
	ErrReportTooShort    = Errorf(EINVALID, "err.report_too_short")
	ErrEducationTooLow   = Errorf(EINVALID, "err.education_too_low")
	ErrWeightsNot100     = Errorf(EINVALID, "err.weights_not_100")
	ErrScoreOutOfRange   = Errorf(EINVALID, "err.score_out_of_range")
	ErrLevelDisabled     = Errorf(EINVALID, "err.level_disabled")
	ErrProbationNotEnded = Errorf(ECONFLICT, "err.probation_not_ended")
	ErrReadOnly          = Errorf(ECONFLICT, "err.read_only")
)
