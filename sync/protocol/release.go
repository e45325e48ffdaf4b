package protocol

import (
	"fmt"
)

// Release paths. They are outside /api/v1 and never check the schema
// version: an app too old to sync must still find and fetch its update.
const (
	PathReleaseLatest = "/api/releases/latest"
	PathReleaseFile   = "/api/releases/file/" // + Release.File
)

// Release kinds: how the app puts a build in place.
const (
	ReleaseInstaller = "installer" // kaohe-setup-X.exe, run silently (/S /UPDATE)
	ReleaseExe       = "exe"       // the bare program, swapped for the running one
)

// Release describes a build HQ published, signed with HQ's Ed25519 key.
type Release struct {
	Version     string `json:"version"`
	File        string `json:"file"` // base name, also the download's name
	Kind        string `json:"kind"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"` // hex
	KeyID       string `json:"key_id"`
	Signature   string `json:"signature"` // base64 Ed25519 over SignedBytes
	PublishedAt string `json:"published_at"`
}

// SignedBytes is what the signature covers: every field that decides what
// is installed.
func (r Release) SignedBytes() []byte {
	return fmt.Appendf(nil, "kaohe-release\nversion=%s\nfile=%s\nkind=%s\nsize=%d\nsha256=%s\n",
		r.Version, r.File, r.Kind, r.Size, r.SHA256)
}
