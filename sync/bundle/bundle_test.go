package bundle_test

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/sync/bundle"
	"kaohe/sync/bundle/bundletest"
	"kaohe/sync/protocol"
)

func keys(t testing.TB) (ed25519.PublicKey, ed25519.PrivateKey) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

func trust(showroomID string, k ed25519.PublicKey) func(string) []ed25519.PublicKey {
	return func(id string) []ed25519.PublicKey {
		if id == showroomID {
			return []ed25519.PublicKey{k}
		}
		return nil
	}
}

func sample(n int) bundle.Bundle {
	b := bundle.Bundle{Kind: bundle.ToShowroom, ShowroomID: "sr-1", Created: "2026-12-01T10:00:00Z", Cursor: 42}
	for i := 0; i < n; i++ {
		b.Changes = append(b.Changes, protocol.Change{ID: fmt.Sprintf("c%05d", i), Entity: "manager", RowID: fmt.Sprintf("m%d", i), Op: "upsert",
			Payload: json.RawMessage(`{"name":"王<小>明","note":"` + strings.Repeat("述", i%50) + `"}`), At: "2026-12-01T10:00:00Z", Seq: int64(i + 1)})
		b.Acked = append(b.Acked, fmt.Sprintf("a%05d", i))
	}
	return b
}

func write(t testing.TB, b bundle.Bundle, key ed25519.PrivateKey) []byte {
	var buf bytes.Buffer
	if err := bundle.Write(&buf, b, key); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readAll opens data and gathers what it hands over.
func readAll(data []byte, kind string, trusted func(string) []ed25519.PublicKey, lim bundle.Limits) (bundle.Header, []protocol.Change, []string, [][2]int, error) {
	f, err := bundle.Open(bytes.NewReader(data), kind, trusted, lim)
	if err != nil {
		return bundle.Header{}, nil, nil, nil, err
	}
	defer f.Close()
	var cs []protocol.Change
	var acks []string
	var batches [][2]int
	err = f.Read(func(b []protocol.Change) error {
		cs = append(cs, b...)
		batches = append(batches, [2]int{len(b), 0})
		return nil
	}, func(ids []string) error {
		acks = append(acks, ids...)
		batches = append(batches, [2]int{0, len(ids)})
		return nil
	})
	return f.Header, cs, acks, batches, err
}

func TestRoundTripInBatches(t *testing.T) {
	pub, priv := keys(t)
	b := sample(12001)
	h, cs, acks, batches, err := readAll(write(t, b, priv), bundle.ToShowroom, trust("sr-1", pub), bundle.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if h.ShowroomID != "sr-1" || h.Cursor != 42 || h.Kind != bundle.ToShowroom {
		t.Errorf("header %+v", h)
	}
	if len(cs) != len(b.Changes) || len(acks) != len(b.Acked) {
		t.Fatalf("read %d changes, %d acks; want %d, %d", len(cs), len(acks), len(b.Changes), len(b.Acked))
	}
	for i := range cs {
		if cs[i].ID != b.Changes[i].ID || cs[i].Seq != b.Changes[i].Seq || string(cs[i].Payload) != string(b.Changes[i].Payload) {
			t.Fatalf("change %d = %+v; want %+v", i, cs[i], b.Changes[i])
		}
	}
	for _, bt := range batches {
		if bt[0] > protocol.MaxBatch {
			t.Errorf("a batch of %d changes", bt[0])
		}
	}
	if len(batches) < 4 {
		t.Errorf("batches %v: 12,001 changes should come in at least 3 batches, then the acks", batches)
	}
}

func TestRefusals(t *testing.T) {
	pub, priv := keys(t)
	_, other := keys(t)
	good := write(t, sample(3), priv)
	raw := inflate(t, good)
	lines := bytes.SplitAfter(raw, []byte("\n"))
	lines = lines[:len(lines)-1] // the empty tail after the last newline
	join := func(ls ...[]byte) []byte { return deflate(t, bytes.Join(ls, nil)) }
	sigLine := lines[len(lines)-1]
	body := lines[:len(lines)-1] // header, 3 changes, 3 acks
	dropped := append(append([][]byte{body[0]}, body[2:]...), sigLine)
	after := append(append([][]byte{}, lines...), body[1])
	cases := []struct {
		name string
		data []byte
		kind string
		code string
		key  string
	}{
		{"forged", write(t, sample(3), other), bundle.ToShowroom, kaohe.EUNAUTHORIZED, "err.bundle_signature"},
		{"foreign showroom", write(t, bundle.Bundle{Kind: bundle.ToShowroom, ShowroomID: "sr-2"}, priv), bundle.ToShowroom, kaohe.EUNAUTHORIZED, "err.bundle_signature"},
		{"wrong direction", good, bundle.ToHQ, kaohe.EINVALID, "err.bundle_kind"},
		{"not gzip", []byte("PK\x03\x04 a spreadsheet"), bundle.ToShowroom, kaohe.EINVALID, "err.bundle_bad"},
		{"empty", nil, bundle.ToShowroom, kaohe.EINVALID, "err.bundle_bad"},
		{"no signature", join(body...), bundle.ToShowroom, kaohe.EINVALID, "err.bundle_bad"},
		{"cut short", good[:len(good)/2], bundle.ToShowroom, kaohe.EINVALID, "err.bundle_bad"},
		{"a change dropped", join(dropped...), bundle.ToShowroom, kaohe.EUNAUTHORIZED, "err.bundle_signature"},
		{"lines after the signature", join(after...), bundle.ToShowroom, kaohe.EINVALID, "err.bundle_bad"},
		{"ack before a change", join(body[0], body[4], body[1], sigLine), bundle.ToShowroom, kaohe.EINVALID, "err.bundle_bad"},
		{"a line slipped in", join(body[0], []byte(`{"change":{"id":"x"},"extra":1}`+"\n"), sigLine), bundle.ToShowroom, kaohe.EUNAUTHORIZED, "err.bundle_signature"},
		{"two things in a line", join(body[0], []byte(`{"ack":"x","signature":"AA=="}`+"\n")), bundle.ToShowroom, kaohe.EINVALID, "err.bundle_bad"},
		{"other schema, header edited", join(bytes.Replace(body[0], []byte(fmt.Sprintf(`"version":%d`, protocol.Version)), []byte(`"version":99`), 1), sigLine), bundle.ToShowroom, kaohe.EUNAUTHORIZED, "err.bundle_signature"},
		{"first layout", deflate(t, []byte(`{"format":"kaohe-bundle","version":1,"kind":"hq-to-showroom","showroom_id":"sr-1","changes":[],"signature":""}`+"\n")), bundle.ToShowroom, kaohe.EINVALID, "err.bundle_bad"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, _, _, err := readAll(c.data, c.kind, trust("sr-1", pub), bundle.DefaultLimits)
			var ke *kaohe.Error
			if err == nil || kaohe.ErrorCode(err) != c.code || !asKey(err, &ke) || ke.Key != c.key {
				t.Errorf("Open(%s) = %v; want %s %s", c.name, err, c.code, c.key)
			}
		})
	}
}

func asKey(err error, ke **kaohe.Error) bool {
	e, ok := err.(*kaohe.Error)
	*ke = e
	return ok
}

func inflate(t *testing.T, data []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	return b
}

func deflate(t *testing.T, data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	return buf.Bytes()
}

// peakHeap runs fn and samples the heap in use meanwhile.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak uint64
	var mu sync.Mutex
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			mu.Lock()
			peak = max(peak, m.HeapInuse)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	<-done
	if peak < base.HeapInuse {
		return 0
	}
	return peak - base.HeapInuse
}

// countingReader counts the bytes taken from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestHostileFilesCostLittle: files that inflate to 1 GiB are refused
// within the limits, and reading them never holds more than a few MB.
func TestHostileFilesCostLittle(t *testing.T) {
	pub, _ := keys(t)
	const gib = 1 << 30
	var changes, line bytes.Buffer
	if err := bundletest.Changes(&changes, bundle.ToHQ, "sr-1", gib); err != nil {
		t.Fatal(err)
	}
	if err := bundletest.Line(&line, bundle.ToHQ, "sr-1", gib); err != nil {
		t.Fatal(err)
	}
	t.Logf("files of %d and %d KB inflating to 1 GiB", changes.Len()>>10, line.Len()>>10)
	for name, data := range map[string][]byte{"many changes": changes.Bytes(), "one endless line": line.Bytes()} {
		t.Run(name, func(t *testing.T) {
			var err error
			peak := peakHeap(func() {
				_, _, _, _, err = readAll(data, bundle.ToHQ, trust("sr-1", pub), bundle.DefaultLimits)
			})
			if kaohe.ErrorCode(err) != kaohe.EINVALID || err.(*kaohe.Error).Key != "err.bundle_too_large" {
				t.Errorf("Open = %v; want err.bundle_too_large", err)
			}
			t.Logf("peak heap %.1f MB", float64(peak)/(1<<20))
			if peak > 16<<20 {
				t.Errorf("peak heap %d MB while refusing; want under 16 MB", peak>>20)
			}
		})
	}
	t.Run("untrusted showroom", func(t *testing.T) {
		src := &countingReader{r: bytes.NewReader(changes.Bytes())}
		_, err := bundle.Open(src, bundle.ToHQ, trust("someone-else", pub), bundle.DefaultLimits)
		if kaohe.ErrorCode(err) != kaohe.EUNAUTHORIZED {
			t.Errorf("Open = %v; want unauthorized", err)
		}
		if src.n > 64<<10 {
			t.Errorf("read %d KB of a bundle nobody here could have signed; want only its header", src.n>>10)
		}
	})
	t.Run("file over the size limit", func(t *testing.T) {
		lim := bundle.DefaultLimits
		lim.File = int64(changes.Len() / 4)
		_, err := bundle.Open(bytes.NewReader(changes.Bytes()), bundle.ToHQ, trust("sr-1", pub), lim)
		if e, ok := err.(*kaohe.Error); !ok || e.Key != "err.bundle_too_large" {
			t.Errorf("Open = %v; want err.bundle_too_large", err)
		}
	})
}
