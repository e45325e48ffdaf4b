// Package bundletest makes hostile bundle files for tests: files that
// inflate far beyond any real showroom's, built cheaply from repeated gzip
// members so the test itself stays small.
package bundletest

import (
	"bytes"
	"compress/gzip"
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
