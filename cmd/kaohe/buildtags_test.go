package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBuildsLeaveOutTheEmojiFont: every build of the program that ships or
// is measured leaves Fyne's emoji font out (-tags no_emoji: 4.2 MB of
// binary and 4.8 MB of parsed font the window never draws from): the
// Makefile hands the tag to every go command it runs (build, the Windows
// build, test, vet) through GOFLAGS and no recipe overrides it with tags of
// its own; the scripts that build it by themselves (.ci/windows' update
// build, the memory benchmark, the attack script) name it on their go
// build lines.
func TestBuildsLeaveOutTheEmojiFont(t *testing.T) {
	root := filepath.Join("..", "..")
	read := func(name string) []string {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(string(b), "\n")
	}
	tags, exported := "", false
	for i, line := range read("Makefile") {
		if m := regexp.MustCompile(`^TAGS\s*:?=\s*(.*)$`).FindStringSubmatch(line); m != nil {
			tags = strings.TrimSpace(m[1])
		}
		if regexp.MustCompile(`^export GOFLAGS\s*:?=.*-tags=\$\(TAGS\)`).MatchString(line) {
			exported = true
		}
		if strings.HasPrefix(line, "\t") && strings.Contains(line, "-tags") && !strings.Contains(line, "$(TAGS)") {
			t.Errorf("Makefile:%d: a recipe's own -tags replaces GOFLAGS' no_emoji: %s", i+1, strings.TrimSpace(line))
		}
	}
	if !strings.Contains(" "+strings.ReplaceAll(tags, ",", " ")+" ", " no_emoji ") || !exported {
		t.Errorf("the Makefile does not build with -tags no_emoji through an exported GOFLAGS (TAGS = %q, exported %v)", tags, exported)
	}
	builds := 0
	for _, name := range []string{".ci/windows", "scripts/bench-window-rss.sh", "scripts/attack-hq.sh"} {
		for i, line := range read(name) {
			code, _, _ := strings.Cut(line, "#")
			if !strings.Contains(code, "go build") {
				continue
			}
			builds++
			if !regexp.MustCompile(`-tags[ =]\S*no_emoji`).MatchString(code) {
				t.Errorf("%s:%d builds without -tags no_emoji: %s", name, i+1, strings.TrimSpace(line))
			}
		}
	}
	if builds < 3 {
		t.Errorf("found %d go build lines in .ci/windows and the scripts, want one in each", builds)
	}
}
