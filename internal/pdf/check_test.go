package pdf

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The tests read documents back with poppler's tools, as a person's PDF
// viewer would; make test installs poppler-utils.

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func tool(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// pdfText is the document's text as pdftotext extracts it.
func pdfText(t *testing.T, data []byte) string {
	return tool(t, "pdftotext", "-enc", "UTF-8", writeTemp(t, data), "-")
}

// pageCount is what pdfinfo says.
func pageCount(t *testing.T, data []byte) int {
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(tool(t, "pdfinfo", writeTemp(t, data)))
	if m == nil {
		t.Fatal("pdfinfo: no page count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// fontsEmbedded checks with pdffonts that every font is embedded. (gofpdf
// subsets without tagging the name "ABCDEF+", so pdffonts says sub "no";
// the size checks show the subsetting.)
func fontsEmbedded(t *testing.T, data []byte) {
	t.Helper()
	out := tool(t, "pdffonts", writeTemp(t, data))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists no font:\n%s", out)
	}
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		// name type encoding emb sub uni object ID
		if len(f) < 7 {
			t.Errorf("pdffonts line: %s", l)
			continue
		}
		if emb := f[len(f)-5]; emb != "yes" {
			t.Errorf("font not embedded: %s", l)
		}
	}
}

// contains compares text without the line breaks and spaces that wrapping
// and extraction put in.
func contains(text, want string) bool {
	squash := func(s string) string {
		return strings.NewReplacer("\n", "", " ", "", "\f", "", "\u00a0", "").Replace(s)
	}
	return strings.Contains(squash(text), squash(want))
}
