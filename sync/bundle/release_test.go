package bundle_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"kaohe/internal/i18n"
	"kaohe/internal/kaohe"
	"kaohe/sync/bundle"
	"kaohe/sync/bundle/bundletest"
	"kaohe/sync/protocol"
)

func sampleRelease() *protocol.Release {
	return &protocol.Release{Version: "0.2.0", File: "kaohe-setup-0.2.0.exe", Kind: protocol.ReleaseInstaller, Size: 1234,
		SHA256: fmt.Sprintf("%064x", 7), KeyID: "k1", PublishedAt: "2026-12-01T10:00:00Z", Signature: "c2lnbmF0dXJl"}
}

// TestReleaseTravelsInTheBundle: HQ's bundle carries its newest build's
// manifest; Open hands it over once the bundle's signature is proven, and
// the changes and acknowledgements still come as before.
func TestReleaseTravelsInTheBundle(t *testing.T) {
	pub, priv := keys(t)
	b := sample(3)
	b.Release = sampleRelease()
	f, err := bundle.Open(bytes.NewReader(write(t, b, priv)), bundle.ToShowroom, trust("sr-1", pub), bundle.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Release == nil || *f.Release != *b.Release {
		t.Fatalf("release handed over = %+v; want %+v", f.Release, b.Release)
	}
	var changes, acks int
	if err := f.Read(func(cs []protocol.Change) error { changes += len(cs); return nil }, func(ids []string) error { acks += len(ids); return nil }); err != nil {
		t.Fatal(err)
	}
	if changes != 3 || acks != 3 {
		t.Errorf("read %d changes, %d acks; want 3 and 3", changes, acks)
	}
	// A bundle without a release hands over none.
	g, err := bundle.Open(bytes.NewReader(write(t, sample(1), priv)), bundle.ToShowroom, trust("sr-1", pub), bundle.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if g.Release != nil {
		t.Errorf("a bundle without a release handed over %+v", g.Release)
	}
}

// TestReleaseInABundleAttacked: the release line edited (another version,
// another checksum), doubled, moved before the changes, or with extra
// fields is refused with the whole bundle; nothing is handed over.
func TestReleaseInABundleAttacked(t *testing.T) {
	pub, priv := keys(t)
	b := sample(2)
	b.Release = sampleRelease()
	raw := inflate(t, write(t, b, priv))
	lines := bytes.SplitAfter(raw, []byte("\n"))
	lines = lines[:len(lines)-1]
	sigLine := lines[len(lines)-1]
	rel := lines[len(lines)-2] // header, 2 changes, 2 acks, release
	if !bytes.HasPrefix(rel, []byte(`{"release":`)) {
		t.Fatalf("no release line before the signature: %s", rel)
	}
	join := func(ls ...[]byte) []byte { return deflate(t, bytes.Join(ls, nil)) }
	edited := func(old, new string) []byte {
		if !bytes.Contains(rel, []byte(old)) {
			t.Fatalf("%s not in %s", old, rel)
		}
		return bytes.Replace(rel, []byte(old), []byte(new), 1)
	}
	other := edited(`"version":"0.2.0"`, `"version":"9.9.9"`)
	for _, c := range []struct {
		name string
		data []byte
		key  string
	}{
		{"version edited", join(append(append([][]byte{}, lines[:5]...), other, sigLine)...), "err.bundle_signature"},
		{"checksum edited", join(append(append([][]byte{}, lines[:5]...), edited(fmt.Sprintf("%064x", 7), fmt.Sprintf("%064x", 8)), sigLine)...), "err.bundle_signature"},
		{"release dropped", join(append(append([][]byte{}, lines[:5]...), sigLine)...), "err.bundle_signature"},
		// Re-signed by HQ's own key, so only the layout can refuse them.
		{"two releases", bundletest.Signed(append(append([][]byte{}, lines[:6]...), other), priv), "err.bundle_bad"},
		{"release before a change", bundletest.Signed([][]byte{lines[0], rel, lines[1]}, priv), "err.bundle_bad"},
		{"release before an ack", bundletest.Signed([][]byte{lines[0], lines[1], rel, lines[3]}, priv), "err.bundle_bad"},
		{"release with an ack", bundletest.Signed([][]byte{lines[0], []byte(`{"release":{"version":"0.2.0"},"ack":"x"}` + "\n")}, priv), "err.bundle_bad"},
		{"release with an unknown field", bundletest.Signed([][]byte{lines[0], edited(`"version"`, `"evil":1,"version"`)}, priv), "err.bundle_bad"},
		{"empty release", bundletest.Signed([][]byte{lines[0], []byte(`{"release":null}` + "\n")}, priv), "err.bundle_bad"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := bundle.Open(bytes.NewReader(c.data), bundle.ToShowroom, trust("sr-1", pub), bundle.DefaultLimits)
			var ke *kaohe.Error
			if f != nil || !errors.As(err, &ke) || ke.Key != c.key {
				t.Errorf("Open = %v, %v; want %s", f, err, c.key)
			}
			var o *bundle.Outdated
			if errors.As(err, &o) {
				t.Errorf("a refused bundle handed over its release: %+v", o.Release)
			}
		})
	}
}

// TestOutdatedBundleStillNamesItsRelease: a genuine bundle HQ wrote for a
// newer protocol is refused as "please upgrade" (nothing of its changes is
// read) yet hands over the release that reads it; a forged one of another
// version gets only the signature refusal.
func TestOutdatedBundleStillNamesItsRelease(t *testing.T) {
	pub, priv := keys(t)
	b := sample(2)
	b.Release = sampleRelease()
	raw := inflate(t, write(t, b, priv))
	lines := bytes.SplitAfter(raw, []byte("\n"))
	lines = lines[:len(lines)-2] // without the signature
	lines[0] = bytes.Replace(lines[0], []byte(fmt.Sprintf(`"version":%d`, protocol.Version)), []byte(fmt.Sprintf(`"version":%d`, protocol.Version+1)), 1)

	f, err := bundle.Open(bytes.NewReader(bundletest.Signed(lines, priv)), bundle.ToShowroom, trust("sr-1", pub), bundle.DefaultLimits)
	var o *bundle.Outdated
	var ke *kaohe.Error
	if f != nil || !errors.As(err, &o) || !errors.As(err, &ke) || ke.Key != "err.upgrade" {
		t.Fatalf("Open of a newer protocol's bundle = %v, %v; want the upgrade refusal", f, err)
	}
	if o.Version != protocol.Version+1 || o.Release == nil || o.Release.Version != "0.2.0" {
		t.Errorf("outdated = %+v; want version %d with the 0.2.0 release", o, protocol.Version+1)
	}
	if zh := i18n.Error(kaohe.LangZh, err); strings.ContainsAny(zh, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		t.Errorf("zh: %q says a raw English word", zh)
	}
	if en := i18n.Error(kaohe.LangEn, err); strings.Contains(en, "err.") || !strings.Contains(en, "newer HQ program") {
		t.Errorf("en: %q", en)
	}

	_, stranger := keys(t)
	if _, err := bundle.Open(bytes.NewReader(bundletest.Signed(lines, stranger)), bundle.ToShowroom, trust("sr-1", pub), bundle.DefaultLimits); !errors.As(err, &ke) || ke.Key != "err.bundle_signature" || errors.As(err, &o) {
		t.Errorf("a forged bundle of another version = %v; want the signature refusal", err)
	}
}
