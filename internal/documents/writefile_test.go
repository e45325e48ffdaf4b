package documents

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFileFailedReplaceLeavesNothing: when the old document cannot be
// replaced, it stays as it was and no .part file is left behind.
func TestWriteFileFailedReplaceLeavesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "证书 #1.pdf")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("refused")
	rename = func(string, string) error { return refused }
	defer func() { rename = os.Rename }()
	err := WriteFile(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err })
	if !errors.Is(err, refused) {
		t.Fatalf("WriteFile = %v; want the rename's error", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("old document = %q; want it untouched", b)
	}
	if _, err := os.Stat(path + ".part"); !os.IsNotExist(err) {
		t.Errorf(".part left behind: %v", err)
	}
}
