package kaohe

import "unicode"

// CountChars counts 字数 the way Chinese word processors do: each CJK
// character, full-width form and CJK punctuation mark is one; each run of
// other non-space characters (a Latin word, a number, "iPhone15", "3.5%") is
// one; white space is none. An emoji counts one, with its modifiers, variation
// selectors and zero-width-joined parts counting none.
func CountChars(s string) int {
	n := 0
	inRun := false // inside a run of Latin letters, digits or half-width signs
	joined := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff':
			inRun, joined = false, false
		case r == '\u200d': // zero-width joiner: the next emoji belongs to this one
			joined = true
		case isModifier(r):
			// belongs to the character before it
		case isWide(r):
			inRun = false
			if !joined {
				n++
			}
			joined = false
		default:
			joined = false
			if !inRun {
				n++
				inRun = true
			}
		}
	}
	return n
}

// isWide reports whether r counts as one character on its own: ideographs,
// kana, hangul, CJK and full-width punctuation, full-width forms and emoji.
func isWide(r rune) bool {
	switch {
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo):
		return true
	case r >= 0x3000 && r <= 0x303F: // CJK symbols and punctuation: 、。《》「」
		return true
	case r >= 0xFF01 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6: // full-width forms: ，！（）０１Ａ
		return true
	case r >= 0xFE30 && r <= 0xFE4F: // CJK compatibility forms
		return true
	case r == 0x2014 || r == 0x2026 || r == 0x2018 || r == 0x2019 || r == 0x201C || r == 0x201D || r == 0x00B7:
		// — … ‘ ’ “ ” · are typed as full-width punctuation by Chinese IMEs
		return true
	case r >= 0x1F000 && r <= 0x1FAFF, r >= 0x2600 && r <= 0x27BF:
		return true // emoji and pictographs
	}
	return false
}

// isModifier reports whether r only modifies the character before it.
func isModifier(r rune) bool {
	return unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) ||
		(r >= 0xFE00 && r <= 0xFE0F) || (r >= 0x1F3FB && r <= 0x1F3FF) || (r >= 0xE0020 && r <= 0xE007F)
}
