//go:build windows

package documents

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"kaohe/internal/kaohe"
)

// TestWriteFileOpenElsewhere: a document held open by another program (as a
// PDF viewer does) is reported as open, the old file stays and no .part is
// left. Runs on Windows (in CI under wine).
func TestWriteFileOpenElsewhere(t *testing.T) {
	// Not t.TempDir: wine 8 fails its removal ("unlinkat … Invalid function").
	dir, err := os.MkdirTemp("", "kaohe-inuse-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "考核报告.pdf")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	viewer, err := os.Open(path) // no FILE_SHARE_DELETE: the file cannot be replaced
	if err != nil {
		t.Fatal(err)
	}
	defer viewer.Close()
	err = WriteFile(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err })
	var ke *kaohe.Error
	if !errors.As(err, &ke) || ke.Key != "err.file_in_use" {
		t.Fatalf("WriteFile on an open file = %v; want err.file_in_use", err)
	}
	if _, err := os.Stat(path + ".part"); !os.IsNotExist(err) {
		t.Errorf(".part left behind: %v", err)
	}
	viewer.Close()
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("old document = %q", b)
	}
	if err := WriteFile(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Errorf("after closing the viewer: %v", err)
	}
}
