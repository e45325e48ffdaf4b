package kaohe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseDate: whatever is typed, ParseDate answers without panicking,
// and a date it accepts prints as a date it reads back the same.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-11-27", "2026/1/5", "2026年11月27日", "20261127", "2024-02-29", "2023-02-29", "0000-00-00", "9999-12-31", " 2026-11-27 ", "2026-11-27T10:00:00Z", "２０２６－１１－２７", "2026-1-1\x00", "2026-02-30", "1899-12-31", "2200-12-31", "2201-01-01", "2026-00-10", "2026-1a-01", "+026-11-27"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		// The shortcut for the stored form answers as the typed forms'
		// reader does.
		if slow, slowErr := parseTypedDate(s); slow != d || (err == nil) != (slowErr == nil) {
			t.Fatalf("ParseDate(%q) = %v, %v; the general reader says %v, %v", s, d, err, slow, slowErr)
		}
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("ParseDate(%q) error %v is not a refusal of the input", s, err)
			}
			return
		}
		back, err := ParseDate(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDate(%q) = %v, which reads back as %v, %v", s, d, back, err)
		}
		if d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 31 {
			t.Fatalf("ParseDate(%q) = %+v: an impossible date", s, d)
		}
	})
}

// FuzzParseEducation: an accepted education's own names read back as it.
func FuzzParseEducation(f *testing.F) {
	for _, s := range []string{"大专", "本科", "Bachelor", "bachelor", "3", "中专", "研究生", "", "博士研究生", "0", "9", "大专\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEducation(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("ParseEducation(%q) error %v", s, err)
			}
			return
		}
		for _, name := range []string{e.Name().Zh, e.Name().En} {
			if back, err := ParseEducation(name); err != nil || back != e {
				t.Fatalf("ParseEducation(%q) = %v, whose name %q reads as %v, %v", s, e, name, back, err)
			}
		}
	})
}

// FuzzCountChars: the 字数 of any text is between 0 and its number of
// characters, white space adds nothing, and two texts apart count apart.
func FuzzCountChars(f *testing.F) {
	for _, s := range []string{"述职报告", "hello world", "2026年完成销售额120万元。", "👍🏽👨‍👩‍👧", "ａｂｃ，。", "a\u200db", "\xff\xfe", "e\u0301", ""} {
		f.Add(s, "第二段")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		n := CountChars(a)
		if n < 0 || n > utf8.RuneCountInString(a) {
			t.Fatalf("CountChars(%q) = %d; runes %d", a, n, utf8.RuneCountInString(a))
		}
		if CountChars(a) != n {
			t.Fatalf("CountChars(%q) not deterministic", a)
		}
		if got := CountChars(" \t" + a + "\n "); got != n {
			t.Fatalf("CountChars with white space around %q = %d; want %d", a, got, n)
		}
		if !utf8.ValidString(a) || !utf8.ValidString(b) || strings.ContainsRune(a+b, '\u200d') {
			return // the sum below holds for text as typed, not for bytes cut mid-character or a joiner at the edge
		}
		if got, want := CountChars(a+"\n"+b), n+CountChars(b); got != want {
			t.Fatalf("CountChars(%q + newline + %q) = %d; want %d + %d", a, b, got, n, CountChars(b))
		}
	})
}
