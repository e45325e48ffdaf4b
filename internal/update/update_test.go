package update

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kaohe/internal/i18n"
	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

func TestNewer(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"0.2.0", "0.1.0", true}, {"0.1.0", "0.2.0", false}, {"0.10.0", "0.9.9", true}, {"1.0", "0.9.9", true},
		{"0.1.0", "0.1.0", false}, {"0.1.0.1", "0.1.0", true}, {"0.2.0", "0.2.0-rc1", true}, {"0.2.0-rc1", "0.2.0", false},
		{"0.2.0-rc2", "0.2.0-rc1", true}, {"0.2.0-rc1", "0.1.9", true},
	} {
		if got := Newer(c.a, c.b); got != c.want {
			t.Errorf("Newer(%q, %q) = %v; want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestVersionFromName(t *testing.T) {
	for name, want := range map[string]string{
		"kaohe-setup-0.2.0.exe": "0.2.0", "/x/kaohe-1.10.3.exe": "1.10.3", "kaohe-setup-0.3.0-rc1.exe": "0.3.0-rc1",
		"kaohe.exe": "", "kaohe-setup.exe": "", "kaohe-0.2.0.zip": "",
	} {
		if got := VersionFromName(name); got != want {
			t.Errorf("VersionFromName(%q) = %q; want %q", name, got, want)
		}
	}
}

// TestVerifyManifestRefusesOddFields: names that leave the staging folder,
// unknown kinds and shapes are refused even when signed.
func TestVerifyManifestRefusesOddFields(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	keys := map[string]ed25519.PublicKey{"k": pub}
	path := filepath.Join(t.TempDir(), "kaohe-0.2.0.exe")
	os.WriteFile(path, []byte("build"), 0o755)
	good, err := Sign(path, "0.2.0", protocol.ReleaseExe, "k", priv, "2026-12-01T00:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyManifest(good, keys); err != nil {
		t.Fatalf("genuine manifest refused: %v", err)
	}
	resign := func(r protocol.Release) protocol.Release {
		r.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, r.SignedBytes()))
		return r
	}
	if err := VerifyManifest(resign(good), keys); err != nil {
		t.Fatalf("re-signed genuine manifest refused: %v", err)
	}
	for name, edit := range map[string]func(*protocol.Release){
		"path in name":   func(r *protocol.Release) { r.File = "../kaohe.exe" },
		"windows path":   func(r *protocol.Release) { r.File = `..\kaohe.exe` },
		"drive":          func(r *protocol.Release) { r.File = `C:kaohe.exe` },
		"unknown kind":   func(r *protocol.Release) { r.Kind = "script" },
		"bad version":    func(r *protocol.Release) { r.Version = "latest" },
		"empty file":     func(r *protocol.Release) { r.Size = 0 },
		"short checksum": func(r *protocol.Release) { r.SHA256 = "abc" },
		"dot dot":        func(r *protocol.Release) { r.File = ".." },
		"hidden":         func(r *protocol.Release) { r.File = ".kaohe.exe" },
		"not a program":  func(r *protocol.Release) { r.File = "kaohe-0.2.0.bat" },
		"dots inside":    func(r *protocol.Release) { r.File = "kaohe..exe" },
		"huge":           func(r *protocol.Release) { r.Size = MaxSize + 1 },
	} {
		r := good
		edit(&r)
		if err := VerifyManifest(resign(r), keys); err == nil {
			t.Errorf("%s: a signed odd manifest was accepted", name)
		}
	}
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	if err := VerifyManifest(good, map[string]ed25519.PublicKey{"k": other}); err == nil {
		t.Errorf("accepted with the wrong key")
	}
	if err := VerifyManifest(good, nil); err == nil {
		t.Errorf("accepted with no trusted key")
	}
}

// TestStageChecksWhileStreaming: a truncated or padded download leaves
// nothing; a whole one is staged and checks again later.
func TestStageChecksWhileStreaming(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	keys := map[string]ed25519.PublicKey{"k": pub}
	body := bytes.Repeat([]byte("x"), 100_000)
	src := filepath.Join(t.TempDir(), "kaohe-0.2.0.exe")
	os.WriteFile(src, body, 0o755)
	r, _ := Sign(src, "0.2.0", protocol.ReleaseExe, "k", priv, "")
	dir := filepath.Join(t.TempDir(), "updates")
	for name, b := range map[string][]byte{"truncated": body[:len(body)-1], "padded": append(append([]byte{}, body...), 'y')} {
		if p, err := Stage(r, keys, bytes.NewReader(b), dir); err == nil {
			t.Errorf("%s download staged at %s", name, p)
		}
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Errorf("%s: left %v", name, entries)
		}
	}
	p, err := Stage(r, keys, bytes.NewReader(body), dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckStaged(r, keys, p); err != nil {
		t.Errorf("CheckStaged of a good file: %v", err)
	}
	os.WriteFile(p, append(body[:len(body)-1], 'z'), 0o755)
	if err := CheckStaged(r, keys, p); err == nil {
		t.Errorf("CheckStaged accepted a file changed on disk")
	}
}

// TestRefusalReasonsAreSaid: every reason a build is refused for reads in
// the user's language, in Chinese and in English, never as its code.
func TestRefusalReasonsAreSaid(t *testing.T) {
	for _, reason := range []string{ReasonManifest, ReasonUnsigned, ReasonSignature, ReasonSize, ReasonSHA256, ReasonTooLarge} {
		err := refused(reason)
		if got := RefusalReason(err); got != reason {
			t.Errorf("RefusalReason = %q; want %q", got, reason)
		}
		zh, en := i18n.Error(kaohe.LangZh, err), i18n.Error(kaohe.LangEn, err)
		if strings.ContainsAny(zh, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_") {
			t.Errorf("%s in Chinese: %q", reason, zh)
		}
		if strings.Contains(en, "("+reason+")") || strings.Contains(en, "err.") || strings.IndexFunc(en, func(r rune) bool { return r > 0x2e80 }) >= 0 {
			t.Errorf("%s in English: %q", reason, en)
		}
		t.Logf("%s: %s | %s", reason, zh, en)
	}
	if RefusalReason(kaohe.Errorf(kaohe.EINVALID, "err.bundle_bad")) != "" {
		t.Errorf("a reason for another error")
	}
}
