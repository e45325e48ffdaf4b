package engine

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"

	"kaohe/internal/store"
	"kaohe/internal/update"
	"kaohe/sync/protocol"
)

// ReleaseClient is what the update check needs of the HQ server.
type ReleaseClient interface {
	LatestRelease(ctx context.Context) (protocol.Release, bool, error)
	DownloadRelease(ctx context.Context, r protocol.Release, w io.Writer) error
}

// Update is a build HQ published, newer than the running one, fetched and
// verified, waiting to be installed.
type Update struct {
	Release protocol.Release
	Path    string // the staged file
}

// TrustedKeys are the HQ keys this database trusts: the one received at
// enrollment and those HQ published as reference data (key rotation).
func TrustedKeys(ctx context.Context, s *store.Store) (map[string]ed25519.PublicKey, error) {
	keys, err := s.HQKeys(ctx)
	if err != nil {
		return nil, err
	}
	if keys == nil {
		keys = map[string]ed25519.PublicKey{}
	}
	if v, err := s.Meta(ctx, metaHQKeys); err == nil && v != "" {
		if k, err := base64.StdEncoding.DecodeString(v); err == nil && len(k) == ed25519.PublicKeySize {
			keys["enrollment"] = k
		}
	}
	return keys, nil
}

// CheckRelease asks HQ for its newest build. When it is newer than running,
// it is downloaded into dir and verified against the trusted keys (a staged
// copy that still checks out is reused); nil when there is nothing newer.
// A tampered or unsigned build is refused and nothing of it is kept.
func CheckRelease(ctx context.Context, s *store.Store, c ReleaseClient, running, dir string) (*Update, error) {
	r, ok, err := c.LatestRelease(ctx)
	if err != nil || !ok || !update.Newer(r.Version, running) {
		return nil, err
	}
	keys, err := TrustedKeys(ctx, s)
	if err != nil {
		return nil, err
	}
	if err := update.VerifyManifest(r, keys); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, r.File)
	if update.CheckStaged(r, keys, path) == nil {
		return &Update{Release: r, Path: path}, nil
	}
	os.Remove(path)
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(c.DownloadRelease(ctx, r, pw)) }()
	path, err = update.Stage(r, keys, pr, dir)
	pr.CloseWithError(io.ErrClosedPipe) // stops the download if Stage gave up early
	if err != nil {
		return nil, err
	}
	return &Update{Release: r, Path: path}, nil
}
