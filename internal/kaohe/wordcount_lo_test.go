package kaohe

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// TestCountCharsAgainstLibreOffice is the differential test: it asks
// LibreOffice Writer itself (headless, soffice from libreoffice-writer-nogui)
// for the word count of every string of the corpus and compares CountChars.
// It runs when KAOHE_WORDCOUNT is "check" (make wordcount-diff, in CI) or
// "write" (make wordcount-golden, which also rewrites the golden file);
// otherwise the golden file stands in for LibreOffice.
func TestCountCharsAgainstLibreOffice(t *testing.T) {
	mode := os.Getenv("KAOHE_WORDCOUNT")
	if mode != "check" && mode != "write" {
		t.Skip("KAOHE_WORDCOUNT=check or write runs LibreOffice (make wordcount-diff, make wordcount-golden)")
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatal("soffice not found: apt-get install libreoffice-writer-nogui")
	}
	corpus := wordCorpus(t)
	counts := libreOfficeCounts(t, soffice, corpus)
	bad := 0
	for i, s := range corpus {
		if got := CountChars(s); got != counts[i] {
			bad++
			if bad <= 40 {
				t.Errorf("CountChars(%q) = %d; LibreOffice counts %d", s, got, counts[i])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d strings counted differently from LibreOffice", bad, len(corpus))
	}
	if mode == "write" {
		writeGolden(t, corpus, counts)
		return
	}
	for i, c := range readGolden(t) {
		if i < len(counts) && c.want != counts[i] {
			t.Errorf("LibreOffice now counts %q as %d, %s says %d: run make wordcount-golden", c.text, counts[i], goldenPath, c.want)
		}
	}
}

var wordCountAttr = regexp.MustCompile(`meta:word-count="(\d+)"`)

// libreOfficeCounts writes each string to a UTF-8 text file, converts them
// all in one soffice run to flat ODF, and reads meta:word-count — the
// number Writer shows as 字数 / Words in Tools > Word Count.
func libreOfficeCounts(t *testing.T, soffice string, texts []string) []int {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	os.Mkdir(in, 0o755)
	var names []string
	for i, s := range texts {
		name := filepath.Join(in, fmt.Sprintf("%05d.txt", i))
		if err := os.WriteFile(name, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	// One soffice run converts many files, but LibreOffice 7.4 stops
	// quietly after a couple of hundred: batches of 100.
	var log []byte
	for len(names) > 0 {
		batch := names[:min(100, len(names))]
		names = names[len(batch):]
		args := append([]string{
			"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), // never the user's own profile
			"--headless", "--norestore",
			"--infilter=Text (encoded):UTF8,LF,,,", "--convert-to", "fodt", "--outdir", out,
		}, batch...)
		b, err := exec.Command(soffice, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("soffice: %v\n%s", err, b)
		}
		log = b
	}
	counts := make([]int, len(texts))
	for i := range texts {
		b, err := os.ReadFile(filepath.Join(out, fmt.Sprintf("%05d.fodt", i)))
		if err != nil {
			t.Fatalf("string %d (%q) was not converted: %v\n%s", i, texts[i], err, tail(log))
		}
		m := wordCountAttr.FindSubmatch(b)
		if m == nil {
			if len(texts[i]) > 0 {
				t.Fatalf("no meta:word-count for %q", texts[i])
			}
			continue // LibreOffice writes no statistics for an empty document
		}
		counts[i], _ = strconv.Atoi(string(m[1]))
	}
	return counts
}

func tail(b []byte) []byte {
	if len(b) > 2000 {
		return b[len(b)-2000:]
	}
	return b
}
