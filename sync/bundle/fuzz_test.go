package bundle_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/bundle"
	"kaohe/sync/protocol"
)

// fuzzKey is fixed so that the seeds, signed with it, stay genuine.
var fuzzKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

// FuzzOpen: any bytes as a bundle are refused with a domain error or, if
// genuine, read whole; never a panic, never more than the limits allow.
func FuzzOpen(f *testing.F) {
	for _, n := range []int{0, 1, 3} {
		var buf bytes.Buffer
		bundle.Write(&buf, sample(n), fuzzKey)
		f.Add(buf.Bytes())
	}
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255})
	f.Add([]byte("not a bundle"))
	pub := fuzzKey.Public().(ed25519.PublicKey)
	lim := bundle.Limits{File: 1 << 20, Inflated: 4 << 20, Line: 64 << 10}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := bundle.Open(bytes.NewReader(data), bundle.ToShowroom, trust("sr-1", pub), lim)
		if err != nil {
			// A domain error, or one that carries it (*bundle.Outdated: a
			// genuine bundle of another protocol version, with its release).
			var de *kaohe.Error
			if !errors.As(err, &de) {
				t.Fatalf("Open error %T %v is not a domain error", err, err)
			}
			return
		}
		defer file.Close()
		changes, acks := 0, 0
		err = file.Read(func(cs []protocol.Change) error { changes += len(cs); return nil }, func(ids []string) error { acks += len(ids); return nil })
		if err == nil && (changes != file.Changes || acks != file.Acks) {
			t.Fatalf("read %d changes and %d acks of a file that holds %d and %d", changes, acks, file.Changes, file.Acks)
		}
	})
}
