package engine

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"

	"kaohe/internal/kaohe"
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
	if err != nil || !ok {
		return nil, err
	}
	return stage(ctx, s, r, running, dir, func() (io.ReadCloser, error) {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(c.DownloadRelease(ctx, r, pw)) }()
		return pr, nil // closing it stops the download if Stage gave up early
	})
}

// StageFile is CheckRelease for a build that came with HQ's bundle: the
// manifest the bundle carries, the file at path beside the bundle (a USB
// stick). It is verified exactly as a download: the manifest's signature
// with the trusted keys, then the file's size and SHA-256 as it is copied
// into dir; nil when the build is not newer than running.
func StageFile(ctx context.Context, s *store.Store, r protocol.Release, path, running, dir string) (*Update, error) {
	return stage(ctx, s, r, running, dir, func() (io.ReadCloser, error) {
		st, err := os.Stat(path)
		if err != nil || !st.Mode().IsRegular() {
			return nil, kaohe.Errorf(kaohe.ENOTFOUND, "err.update_file_missing", "Version", r.Version, "File", r.File, "Dir", filepath.Dir(path))
		}
		return os.Open(path)
	})
}

// stage is the one way a build gets staged, from HQ or beside a bundle.
func stage(ctx context.Context, s *store.Store, r protocol.Release, running, dir string, open func() (io.ReadCloser, error)) (*Update, error) {
	if !update.Newer(r.Version, running) {
		return nil, nil
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
	update.Discard(path)
	body, err := open()
	if err != nil {
		return nil, err
	}
	path, err = update.Stage(r, keys, body, dir)
	body.Close()
	if err != nil {
		return nil, err
	}
	return &Update{Release: r, Path: path}, nil
}

// StagedUpdate is the newest build staged in dir (by an earlier sync, an
// imported bundle or another run of the program) that is newer than running
// and still checks out against the trusted keys; nil when there is none.
// Staged builds that no longer check out, or are not newer than running
// (installed already), are removed.
func StagedUpdate(ctx context.Context, s *store.Store, running, dir string) (*Update, error) {
	rs, err := update.Dir(dir).Releases()
	if err != nil {
		return nil, err
	}
	keys, err := TrustedKeys(ctx, s)
	if err != nil {
		return nil, err
	}
	var best *Update
	for _, r := range rs {
		if !update.Newer(r.Version, running) { // installed already: done with
			update.Discard(filepath.Join(dir, r.File))
			continue
		}
		if best != nil && !update.Newer(r.Version, best.Release.Version) {
			continue
		}
		path := filepath.Join(dir, r.File)
		if update.CheckStaged(r, keys, path) != nil {
			update.Discard(path)
			continue
		}
		best = &Update{Release: r, Path: path}
	}
	return best, nil
}
