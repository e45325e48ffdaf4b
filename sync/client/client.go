// Package client talks to the HQ server over HTTP with go-resty: retries
// with exponential backoff on transport faults and server errors (pushes are
// idempotent, so a retried push is harmless), gzip request bodies, and the
// schema version on every request.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/klauspost/compress/gzip"

	"kaohe/internal/i18n"
	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// Client is one showroom's (or HQ mode's) connection to the HQ server.
type Client struct {
	r *resty.Client
}

// Options tune the client; zero values are the defaults.
type Options struct {
	Timeout time.Duration // per attempt; default 30 s
	Retries int           // default 4
	MinWait time.Duration // first backoff; default 300 ms
	MaxWait time.Duration // default 10 s
}

// New returns a client of the server at baseURL acting with token.
func New(baseURL, token string, o Options) *Client {
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 4
	}
	if o.MinWait == 0 {
		o.MinWait = 300 * time.Millisecond
	}
	if o.MaxWait == 0 {
		o.MaxWait = 10 * time.Second
	}
	r := resty.New().
		SetBaseURL(strings.TrimRight(baseURL, "/")).
		SetTimeout(o.Timeout).
		SetRetryCount(o.Retries).
		SetRetryWaitTime(o.MinWait).
		SetRetryMaxWaitTime(o.MaxWait).
		// A retry condition replaces resty's default, so transport errors
		// are named here too.
		AddRetryCondition(func(resp *resty.Response, err error) bool {
			if errors.Is(err, resty.ErrResponseBodyTooLarge) {
				return false // the same answer again would be as large
			}
			return err != nil || resp.StatusCode() >= 500 || resp.StatusCode() == http.StatusTooManyRequests
		}).
		// An answer is read whole into memory: one that inflates past what
		// HQ ever writes is refused, not read (protocol.MaxAnswerBytes).
		SetResponseBodyLimit(protocol.MaxAnswerBytes).
		SetHeader(protocol.HeaderVersion, strconv.Itoa(protocol.Version)).
		SetHeader("Accept-Encoding", "gzip").
		SetLogger(quiet{}) // failures reach the user as errors, not console noise
	if token != "" {
		r.SetAuthToken(token)
	}
	return &Client{r: r}
}

// Health checks that the server answers.
func (c *Client) Health(ctx context.Context) error {
	resp, err := c.r.R().SetContext(ctx).Get(protocol.PathHealth)
	return check(resp, err)
}

// Enroll trades a one-time code for a credential. requestID names the
// attempt: a retry with the same one (an answer lost) gets the same
// credential; "" makes a new one.
func (c *Client) Enroll(ctx context.Context, code, publicKey string, requestID ...string) (protocol.EnrollResponse, error) {
	var out protocol.EnrollResponse
	req := protocol.EnrollRequest{Version: protocol.Version, Code: code, PublicKey: publicKey}
	if len(requestID) > 0 {
		req.RequestID = requestID[0]
	}
	return out, c.post(ctx, protocol.PathEnroll, req, &out)
}

// Confirm tells HQ the credential is stored: the enrollment code is used up.
func (c *Client) Confirm(ctx context.Context, replica string) error {
	var out struct{}
	return c.post(ctx, protocol.PathConfirm, protocol.ConfirmRequest{Version: protocol.Version, Replica: replica}, &out)
}

// Recover fetches, after a restore, the caller's own rows as HQ holds them.
func (c *Client) Recover(ctx context.Context, cursor int64, limit int) (protocol.RecoverResponse, error) {
	var out protocol.RecoverResponse
	return out, c.post(ctx, protocol.PathRecover, protocol.RecoverRequest{Version: protocol.Version, Cursor: cursor, Limit: limit}, &out)
}

// Push sends a batch of changes and returns HQ's answer for each.
func (c *Client) Push(ctx context.Context, changes []protocol.Change) ([]protocol.Result, error) {
	return c.PushFrom(ctx, "", changes)
}

// PushFrom is Push naming the sending replica.
func (c *Client) PushFrom(ctx context.Context, replica string, changes []protocol.Change) ([]protocol.Result, error) {
	b, err := EncodePush(replica, "", changes)
	if err != nil {
		return nil, err
	}
	return c.PushEncoded(ctx, b)
}

// PushBody is a push request encoded ahead of sending (EncodePush): the
// sync engine encodes the next batch while HQ applies the one before.
type PushBody struct {
	gz []byte
	n  int // changes in it
}

// EncodePush encodes a push request, for PushEncoded. after names the last
// change of the batch sent before this one while its answer has not come
// (protocol.PushRequest.After), "" when there is none.
func EncodePush(replica, after string, changes []protocol.Change) (PushBody, error) {
	gz, err := encode(protocol.PushRequest{Version: protocol.Version, Replica: replica, After: after, Changes: changes})
	return PushBody{gz: gz, n: len(changes)}, err
}

// PushEncoded sends an encoded push and returns HQ's answer for each change.
func (c *Client) PushEncoded(ctx context.Context, b PushBody) ([]protocol.Result, error) {
	var out protocol.PushResponse
	if err := c.send(ctx, protocol.PathPush, b.gz, &out); err != nil {
		return nil, err
	}
	if len(out.Results) != b.n {
		return nil, kaohe.Errorf(kaohe.EINTERNAL, "err.sync_bad_answer")
	}
	return out.Results, nil
}

// Pull fetches HQ's changes after cursor.
func (c *Client) Pull(ctx context.Context, cursor int64, limit int) (protocol.PullResponse, error) {
	var out protocol.PullResponse
	return out, c.post(ctx, protocol.PathPull, protocol.PullRequest{Version: protocol.Version, Cursor: cursor, Limit: limit}, &out)
}

// post sends v gzip-compressed.
func (c *Client) post(ctx context.Context, path string, v, out any) error {
	gz, err := encode(v)
	if err != nil {
		return err
	}
	return c.send(ctx, path, gz, out)
}

// encode is v as gzip-compressed JSON.
func encode(v any) ([]byte, error) {
	var raw []byte
	var err error
	if req, ok := v.(protocol.PushRequest); ok {
		raw, err = marshalPush(req) // the same bytes, faster
	} else {
		raw, err = json.Marshal(v)
	}
	if err != nil {
		return nil, err
	}
	buf := bytes.NewBuffer(make([]byte, 0, len(raw)/4))
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(buf)
	zw.Write(raw)
	zw.Close()
	gzipWriters.Put(zw)
	return buf.Bytes(), nil
}

// gzipWriters are reused: a writer's state is a few hundred KB, made anew
// for every batch before. The compressor is klauspost/compress's gzip, a
// drop-in for compress/gzip that writes the same format at its fastest
// level about twice as fast (the client's CPU is shared with HQ's when
// both run on one machine, and HQ inflates it faster too); at BestSpeed,
// for the changes are text and speed matters more.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

// send posts a gzip-compressed JSON body. The body is bytes, which resty
// sends whole again on every retry (a reader would be empty the second
// time).
func (c *Client) send(ctx context.Context, path string, gz []byte, out any) error {
	resp, err := c.r.R().SetContext(ctx).
		SetHeader("Content-Type", "application/json").
		SetHeader("Content-Encoding", "gzip").
		SetBody(gz).
		Post(path)
	if err := check(resp, err); err != nil {
		return err
	}
	var err2 error
	if pr, ok := out.(*protocol.PushResponse); ok {
		err2 = decodePushResponse(resp.Body(), pr)
	} else {
		err2 = json.Unmarshal(resp.Body(), out)
	}
	if err2 != nil {
		return kaohe.Errorf(kaohe.EINTERNAL, "err.sync_bad_answer")
	}
	return nil
}

// check turns transport faults and refusals into domain errors the user can
// read: offline, please upgrade, not enrolled, or HQ's own reason.
func check(resp *resty.Response, err error) error {
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		if errors.Is(err, resty.ErrResponseBodyTooLarge) {
			return kaohe.Errorf(kaohe.EINTERNAL, "err.sync_answer_too_large", "MB", protocol.MaxAnswerBytes>>20)
		}
		// A certificate problem will not mend itself by waiting: it is said
		// as such, not as "offline, will sync later".
		if key, _ := i18n.Below(err); strings.HasPrefix(key, "err.tls_") {
			return kaohe.Errorf(kaohe.EINTERNAL, "err.hq_tls", "Cause", err)
		}
		return kaohe.Errorf(kaohe.EINTERNAL, "err.offline", "Cause", err)
	}
	if resp.IsSuccess() {
		return nil
	}
	var e protocol.Error
	json.Unmarshal(resp.Body(), &e)
	switch {
	case resp.StatusCode() == http.StatusUpgradeRequired:
		// HQ's own text is bilingual and technical: the user reads ours.
		return kaohe.Errorf(kaohe.ECONFLICT, "err.upgrade", "Detail", kaohe.Errorf(kaohe.ECONFLICT, "err.upgrade_hq"))
	case e.Key != "":
		return &kaohe.Error{Code: e.Code, Key: e.Key, Args: e.Args} // HQ's own reason
	case resp.StatusCode() == http.StatusUnauthorized:
		return kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.unauthorized")
	}
	code := e.Code
	if code == "" {
		code = kaohe.EINTERNAL
	}
	return kaohe.Errorf(code, "err.hq_refused", "Status", resp.StatusCode(), "Detail", e.Message)
}

// quiet discards resty's own log lines.
type quiet struct{}

func (quiet) Errorf(string, ...any) {}
func (quiet) Warnf(string, ...any)  {}
func (quiet) Debugf(string, ...any) {}
