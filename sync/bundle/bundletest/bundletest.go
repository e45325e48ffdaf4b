// Package bundletest makes hostile bundle files for tests: files that
// inflate far beyond any real showroom's, built cheaply from repeated gzip
// members so the test itself stays small.
package bundletest

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"kaohe/sync/bundle"
	"kaohe/sync/protocol"
)

// header is a well-formed first line for kind and showroom.
func header(kind, showroomID string) []byte {
	b, _ := json.Marshal(bundle.Header{Format: "kaohe-bundle", Layout: 2, Version: protocol.Version, Kind: kind, ShowroomID: showroomID, Created: "2026-12-01T10:00:00Z"})
	return append(b, '\n')
}

func member(w io.Writer, data []byte) error {
	zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
	if _, err := zw.Write(data); err != nil {
		return err
	}
	return zw.Close()
}

// repeat writes chunk, compressed once, as many gzip members as it takes to
// inflate to about n bytes.
func repeat(w io.Writer, chunk []byte, n int64) error {
	var m bytes.Buffer
	if err := member(&m, chunk); err != nil {
		return err
	}
	for done := int64(0); done < n; done += int64(len(chunk)) {
		if _, err := w.Write(m.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// Changes writes a bundle with a valid header for showroomID and well-formed
// change lines that inflate to about n bytes, with no signature: a forger
// who hopes the importer keeps it all before checking.
func Changes(w io.Writer, kind, showroomID string, n int64) error {
	if err := member(w, header(kind, showroomID)); err != nil {
		return err
	}
	payload := strings.Repeat("客", 2000)
	var chunk bytes.Buffer
	for i := 0; chunk.Len() < 1<<20; i++ {
		l, _ := json.Marshal(map[string]any{"change": protocol.Change{ID: fmt.Sprintf("bomb-%d", i), Entity: "manager", RowID: "r", Op: "upsert",
			Payload: json.RawMessage(fmt.Sprintf(`{"note":%q}`, payload)), At: "2026-12-01T10:00:00Z"}})
		chunk.Write(append(l, '\n'))
	}
	return repeat(w, chunk.Bytes(), n)
}

// Line writes a bundle with a valid header and then one line that never
// ends, inflating to about n bytes.
func Line(w io.Writer, kind, showroomID string, n int64) error {
	if err := member(w, header(kind, showroomID)); err != nil {
		return err
	}
	return repeat(w, bytes.Repeat([]byte("a"), 1<<20), n)
}

// Signed compresses inflated bundle lines (all but the signature) and signs
// them with key as bundle.Write does: a file that is genuine to whoever
// trusts key, whatever its lines say.
func Signed(lines [][]byte, key ed25519.PrivateKey) []byte {
	body := bytes.Join(lines, nil)
	sum := sha256.Sum256(body)
	sig, _ := json.Marshal(map[string]string{"signature": base64.StdEncoding.EncodeToString(ed25519.Sign(key, append([]byte("kaohe-bundle-v2\x00"), sum[:]...)))})
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(append(body, append(sig, '\n')...))
	zw.Close()
	return buf.Bytes()
}

// AsVersion rewrites a bundle as HQ's program of another protocol version
// would write it, signed again with key.
func AsVersion(data []byte, version int, key ed25519.PrivateKey) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	inflated, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	lines := bytes.SplitAfter(inflated, []byte("\n"))
	lines = lines[:len(lines)-2] // without the signature and the empty tail
	lines[0] = bytes.Replace(lines[0], []byte(fmt.Sprintf(`"version":%d`, protocol.Version)), []byte(fmt.Sprintf(`"version":%d`, version)), 1)
	return Signed(lines, key), nil
}
