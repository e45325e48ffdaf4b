package update

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// Dir is HQ's folder of published releases: each file beside its signed
// manifest, FILE.json. The manifest is written last, so a release is
// published whole or not at all.
type Dir string

// Publish copies the file at path into the folder under r.File, then writes
// its manifest.
func (d Dir) Publish(path string, r protocol.Release) error {
	if err := os.MkdirAll(string(d), 0o755); err != nil {
		return err
	}
	final := filepath.Join(string(d), r.File)
	if err := copyFile(path, final+".part"); err != nil {
		os.Remove(final + ".part")
		return err
	}
	if err := os.Rename(final+".part", final); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(final+".json.part", raw, 0o644); err != nil {
		return err
	}
	return os.Rename(final+".json.part", final+".json")
}

// Releases lists the published manifests.
func (d Dir) Releases() ([]protocol.Release, error) {
	entries, err := os.ReadDir(string(d))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []protocol.Release
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".exe.json") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(string(d), e.Name()))
		if err != nil {
			return nil, err
		}
		var r protocol.Release
		if err := kaohe.DecodeStrict(raw, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Latest is the newest published release; ok is false when there is none.
func (d Dir) Latest() (r protocol.Release, ok bool, err error) {
	rs, err := d.Releases()
	for _, x := range rs {
		if !ok || Newer(x.Version, r.Version) {
			r, ok = x, true
		}
	}
	return r, ok, err
}

// Open opens a published file by name (only names that have a manifest).
func (d Dir) Open(name string) (*os.File, protocol.Release, error) {
	rs, err := d.Releases()
	if err != nil {
		return nil, protocol.Release{}, err
	}
	for _, r := range rs {
		if r.File == name {
			f, err := os.Open(filepath.Join(string(d), r.File))
			return f, r, err
		}
	}
	return nil, protocol.Release{}, kaohe.Errorf(kaohe.ENOTFOUND, "err.update_none")
}

// CopyTo copies a published build into dir (beside a bundle written for a
// showroom), unless a file of the same size and SHA-256 is already there.
func (d Dir) CopyTo(r protocol.Release, dir string) error {
	dst := filepath.Join(dir, r.File)
	if checkFile(r, dst) == nil {
		return nil
	}
	os.Remove(dst + ".part")
	if err := copyFile(filepath.Join(string(d), r.File), dst+".part"); err != nil {
		os.Remove(dst + ".part")
		return err
	}
	return os.Rename(dst+".part", dst)
}
