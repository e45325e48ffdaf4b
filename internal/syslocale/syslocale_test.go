package syslocale

import (
	"os"
	"testing"
)

func TestFix(t *testing.T) {
	for _, tc := range []struct {
		lcAll, lang, language, want string
	}{
		{"", "C.UTF-8", "", "en"},
		{"C.utf8", "zh_CN.UTF-8", "", "en"},
		{"", "POSIX.UTF-8", "", "en"},
		{"", "C", "", ""}, // plain C and POSIX Fyne reads as "no locale"
		{"", "POSIX", "", ""},
		{"", "zh_CN.UTF-8", "", ""},
		{"zh_CN.UTF-8", "C.UTF-8", "", ""}, // LC_ALL wins
		{"", "C.UTF-8", "zh_CN", "zh_CN"},  // the user's own choice stays
		{"", "", "", ""},
	} {
		t.Setenv("LC_ALL", tc.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", tc.lang)
		t.Setenv("LANGUAGE", tc.language)
		fix()
		if got := os.Getenv("LANGUAGE"); got != tc.want {
			t.Errorf("LC_ALL=%q LANG=%q LANGUAGE=%q: LANGUAGE = %q; want %q", tc.lcAll, tc.lang, tc.language, got, tc.want)
		}
		if os.Getenv("LANG") != tc.lang {
			t.Errorf("LANG changed to %q", os.Getenv("LANG"))
		}
	}
}
