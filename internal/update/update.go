// Package update publishes builds at HQ and checks, stages and applies them
// in the app. A release is a file plus a manifest (protocol.Release) signed
// with HQ's Ed25519 key; the app installs only a file whose size and SHA-256
// match a manifest signed by a key it already trusts.
package update

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// Newer reports whether version a is later than b ("0.10.0" > "0.9.2");
// a suffix after '-' (0.2.0-rc1) sorts before the plain version.
func Newer(a, b string) bool {
	pa, sa, _ := strings.Cut(a, "-")
	pb, sb, _ := strings.Cut(b, "-")
	na, nb := strings.Split(pa, "."), strings.Split(pb, ".")
	for i := 0; i < len(na) || i < len(nb); i++ {
		var x, y int
		if i < len(na) {
			x, _ = strconv.Atoi(na[i])
		}
		if i < len(nb) {
			y, _ = strconv.Atoi(nb[i])
		}
		if x != y {
			return x > y
		}
	}
	switch {
	case sa == "" && sb != "":
		return true
	case sa != "" && sb == "":
		return false
	}
	return sa > sb
}

var versionRe = regexp.MustCompile(`^[0-9]+(\.[0-9]+){1,3}(-[0-9A-Za-z.]+)?$`)

// ValidVersion checks the shape of a version: 1.2.3 or 1.2.3-rc1.
func ValidVersion(v string) bool { return versionRe.MatchString(v) }

// VersionFromName reads the version out of kaohe-setup-1.2.3.exe or
// kaohe-1.2.3.exe.
func VersionFromName(name string) string {
	m := regexp.MustCompile(`([0-9]+(\.[0-9]+){1,3}(-[0-9A-Za-z]+)?)\.exe$`).FindStringSubmatch(filepath.Base(name))
	if m == nil {
		return ""
	}
	return m[1]
}

// Sign makes the manifest of the file at path.
func Sign(path, version, kind, keyID string, key ed25519.PrivateKey, publishedAt string) (protocol.Release, error) {
	f, err := os.Open(path)
	if err != nil {
		return protocol.Release{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return protocol.Release{}, err
	}
	r := protocol.Release{Version: version, File: filepath.Base(path), Kind: kind, Size: n,
		SHA256: hex.EncodeToString(h.Sum(nil)), KeyID: keyID, PublishedAt: publishedAt}
	r.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, r.SignedBytes()))
	return r, nil
}

// Reasons a build is refused, each said in the user's language by the
// translation "err.update_reason_" + reason inside err.update_refused.
const (
	ReasonManifest  = "manifest"  // a field of the manifest is missing or odd
	ReasonUnsigned  = "unsigned"  // no signature at all
	ReasonSignature = "signature" // not signed by a key this database trusts
	ReasonSize      = "size"      // the file is not the size the manifest says
	ReasonSHA256    = "sha256"    // the file's bytes are not the ones signed
	ReasonTooLarge  = "too_large" // the manifest names a file over MaxSize
)

// MaxSize bounds a build: the program is about 40 MB, its installer less.
const MaxSize = 512 << 20

// refused is every verification failure; the reason is an error of its own
// so that the message says it translated.
func refused(reason string) error {
	return kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.update_refused", "Reason", kaohe.Errorf(kaohe.EUNAUTHORIZED, reasonKey+reason))
}

const reasonKey = "err.update_reason_"

// RefusalReason is the reason (ReasonSHA256, …) a build was refused, or ""
// when err is no refusal of a build.
func RefusalReason(err error) string {
	var e *kaohe.Error
	if !errors.As(err, &e) || e.Key != "err.update_refused" {
		return ""
	}
	var r *kaohe.Error
	if x, ok := e.Args["Reason"].(error); ok && errors.As(x, &r) {
		return strings.TrimPrefix(r.Key, reasonKey)
	}
	return ""
}

// fileRe is the shape of a published file's name: it never leaves the
// staging folder, never hides, and is a Windows program.
var fileRe = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._-]{0,99}\.exe$`)

// VerifyManifest checks the manifest's signature with the trusted keys (a
// key id HQ no longer names is tried against every key) and its fields.
func VerifyManifest(r protocol.Release, keys map[string]ed25519.PublicKey) error {
	if !ValidVersion(r.Version) || !fileRe.MatchString(r.File) || strings.Contains(r.File, "..") ||
		(r.Kind != protocol.ReleaseExe && r.Kind != protocol.ReleaseInstaller) || r.Size <= 0 || len(r.SHA256) != 64 {
		return refused(ReasonManifest)
	}
	if r.Size > MaxSize {
		return refused(ReasonTooLarge)
	}
	sig, err := base64.StdEncoding.DecodeString(r.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return refused(ReasonUnsigned)
	}
	try := keys
	if k, ok := keys[r.KeyID]; ok {
		try = map[string]ed25519.PublicKey{r.KeyID: k}
	}
	for _, k := range try {
		if len(k) == ed25519.PublicKeySize && ed25519.Verify(k, r.SignedBytes(), sig) {
			return nil
		}
	}
	return refused(ReasonSignature)
}

// Stage verifies the manifest, then writes what body delivers to
// dir/r.File, checking size and SHA-256 while it streams; nothing is left in
// dir unless all of it checks out. It returns the staged file's path.
func Stage(r protocol.Release, keys map[string]ed25519.PublicKey, body io.Reader, dir string) (string, error) {
	if err := VerifyManifest(r, keys); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	final := filepath.Join(dir, r.File)
	part := final + ".part"
	f, err := os.OpenFile(part, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o755)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(body, r.Size+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != r.Size {
		err = refused(ReasonSize)
	}
	if err == nil && hex.EncodeToString(h.Sum(nil)) != r.SHA256 {
		err = refused(ReasonSHA256)
	}
	if err != nil {
		os.Remove(part)
		return "", err
	}
	if err := os.Rename(part, final); err != nil {
		os.Remove(part)
		return "", err
	}
	// The manifest beside it: a later run (the window after "kaohe sync",
	// "kaohe update" after a bundle) finds the staged build and checks it
	// again before installing it.
	raw, err := json.MarshalIndent(r, "", "  ")
	if err == nil {
		err = os.WriteFile(final+".json.part", raw, 0o644)
	}
	if err == nil {
		err = os.Rename(final+".json.part", final+".json")
	}
	if err != nil {
		os.Remove(final + ".json.part")
		os.Remove(final)
		return "", err
	}
	return final, nil
}

// Discard removes a staged build and its manifest.
func Discard(path string) {
	os.Remove(path)
	os.Remove(path + ".json")
}

// CheckStaged re-reads a staged file and checks it against its manifest
// again just before it is run (the file sat on disk since it was fetched).
func CheckStaged(r protocol.Release, keys map[string]ed25519.PublicKey, path string) error {
	if err := VerifyManifest(r, keys); err != nil {
		return err
	}
	return checkFile(r, path)
}

// checkFile checks the file at path is the one r describes.
func checkFile(r protocol.Release, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, r.Size+1))
	if err != nil {
		return err
	}
	if n != r.Size || hex.EncodeToString(h.Sum(nil)) != r.SHA256 {
		return refused(ReasonSHA256)
	}
	return nil
}

// ReplaceExe puts the staged program at exe: the running file is renamed to
// exe.old (Windows lets a running program be renamed, not overwritten) and
// the new one copied in its place; on failure the old one is put back.
func ReplaceExe(staged, exe string) error {
	old := exe + ".old"
	os.Remove(old)
	if err := os.Rename(exe, old); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	if err := copyFile(staged, exe); err != nil {
		os.Remove(exe)
		if rerr := os.Rename(old, exe); rerr != nil {
			return errors.Join(err, rerr)
		}
		return fmt.Errorf("update: %w", err)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
