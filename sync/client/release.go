package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// LatestRelease asks HQ for its newest published build; ok is false when HQ
// has none.
func (c *Client) LatestRelease(ctx context.Context) (r protocol.Release, ok bool, err error) {
	resp, err := c.r.R().SetContext(ctx).Get(protocol.PathReleaseLatest)
	if err == nil && resp.StatusCode() == http.StatusNotFound {
		return r, false, nil
	}
	if err := check(resp, err); err != nil {
		return r, false, err
	}
	if err := kaohe.DecodeStrict(resp.Body(), &r); err != nil {
		return r, false, kaohe.Errorf(kaohe.EINTERNAL, "err.sync_bad_answer")
	}
	return r, true, nil
}

// DownloadRelease streams the release's file; the caller checks it
// (update.Stage) while it arrives.
func (c *Client) DownloadRelease(ctx context.Context, r protocol.Release, w io.Writer) error {
	resp, err := c.r.R().SetContext(ctx).SetDoNotParseResponse(true).
		Get(protocol.PathReleaseFile + url.PathEscape(r.File))
	if err != nil {
		return check(resp, err)
	}
	body := resp.RawBody()
	defer body.Close()
	if resp.StatusCode() != http.StatusOK {
		var e protocol.Error
		json.NewDecoder(io.LimitReader(body, 1<<16)).Decode(&e)
		return kaohe.Errorf(kaohe.EINTERNAL, "err.hq_refused", "Status", resp.StatusCode(), "Detail", e.Message)
	}
	_, err = io.Copy(w, body)
	if err != nil && !errors.Is(err, context.Canceled) {
		return kaohe.Errorf(kaohe.EINTERNAL, "err.offline", "Detail", err.Error())
	}
	return err
}
