package kaohe

import (
	"strings"
	"unicode"
)

// CountChars counts 字数 as LibreOffice Writer does (Tools > Word Count,
// "字数"/"Words", and meta:word-count in a saved document), the office suite
// the policy's report minimums (2000/3000/5000 字) are checked against:
//
//   - each CJK character, kana, hangul syllable, CJK or full-width
//     punctuation mark and full-width letter or digit is one;
//   - a run of other characters — a Latin word with its half-width
//     punctuation ("hello,", "e-mail", "3.14%", "“quoted”…"), emoji — is one;
//   - white space, and the em dash — and en dash –, count none and separate
//     (LibreOffice's default "additional separators");
//   - 《述职报告》——2025年度 is 9: 《 述 职 报 告 》 2025 年 度.
//
// The rules below follow LibreOffice 7.4 (SwScanner, i18npool's
// BreakIteratorImpl and its ICU rules count_word.txt) and are checked
// against LibreOffice itself over a corpus of more than 1,200 strings
// (testdata/wordcount.golden, make wordcount-diff).
//
// Other office suites are not the reference, and differ in places:
// Microsoft Word, as LibreOffice's own source notes, also breaks words at
// em and en dashes (which is why LibreOffice does by default); Word's and
// WPS Office's Chinese 字数 count each CJK character as one and a Latin
// word as one too, but how they treat punctuation, dashes between CJK
// characters, emoji, full-width letters and zero-width spaces has not been
// measured here, so a report near a minimum may show a few 字 more or fewer
// there. LibreOffice is the word processor we can run in CI, so its answer
// is the rule.
func CountChars(s string) int {
	n := 0
	for _, para := range strings.Split(s, "\n") {
		n += countParagraph([]rune(para))
	}
	return n
}

// countParagraph follows SwScanner::NextWord in WORD_COUNT mode.
func countParagraph(t []rune) int {
	for i, r := range t {
		if r == '\u2014' || r == '\u2013' { // em and en dash separate words
			t[i] = ' '
		}
	}
	size := len(t)
	boundary := wordBoundaries(t)
	following := func(p int) int {
		for p++; p < size && !boundary[p]; p++ {
		}
		return p
	}
	preceding := func(p int) int {
		for p--; p > 0 && !boundary[p]; p-- {
		}
		return p
	}
	n := 0
	pos := 0
	for {
		for pos < size && isUSpace(t[pos]) {
			pos++
		}
		if pos >= size {
			return n
		}
		// BreakIteratorImpl::getWordBoundary, forward.
		next, prev := pos, pos
		for next < size && isWhiteOrZWSP(t[next]) {
			next++
		}
		for prev > 0 && isWhiteOrZWSP(t[prev-1]) {
			prev--
		}
		if next == size {
			return n // only white space and zero-width spaces are left
		}
		p, forward := pos, true
		if next != prev {
			switch {
			case next == pos:
			case prev == pos && prev != 0:
				// A zero-width space right after a word: LibreOffice looks
				// backwards, finds an empty word and stops counting this
				// paragraph. "ab\u200bcd ef" is 1.
				forward = false
			default:
				p = next
			}
		}
		var start, end int
		switch {
		case boundary[p] && forward:
			start, end = p, following(p)
		case boundary[p]:
			start, end = preceding(p), p
		default:
			start, end = preceding(p), following(p)
		}
		if start < pos {
			start = pos
		}
		if end <= start {
			return n
		}
		// Each Asian character is a word; a word of other characters ends
		// where an Asian one begins.
		if isAsian(t[start]) {
			end = start + 1
		} else {
			for i := start + 1; i < end; i++ {
				if isAsian(t[i]) {
					end = i
					break
				}
			}
		}
		n++
		pos = end
	}
}

// wordBoundaries marks where LibreOffice's word-count break rules
// (count_word.txt, ICU) put boundaries: boundary[i] is true when a word may
// begin at i. Each segment is the longest match of the rules at its start.
func wordBoundaries(t []rune) []bool {
	b := make([]bool, len(t)+1)
	for i := 0; i < len(t); {
		b[i] = true
		i = segmentEnd(t, i)
	}
	b[len(t)] = true
	return b
}

func segmentEnd(t []rune, i int) int {
	at := func(j int, f func(rune) bool) bool { return j < len(t) && f(t[j]) }
	extended := func(j int, f func(rune) bool) int { // f $Extend*, or -1
		if !at(j, f) {
			return -1
		}
		for j++; at(j, isExtend); j++ {
		}
		return j
	}
	formats := func(j int) int { // $FormatEx*
		for at(j, isFormat) {
			j = extended(j, isFormat)
		}
		return j
	}
	sequence := func(j int, f func(rune) bool) int { // fEx ($FormatEx* fEx)*, or -1
		e := extended(j, f)
		for e >= 0 {
			e2 := extended(formats(e), f)
			if e2 < 0 {
				break
			}
			e = e2
		}
		return e
	}
	letters := func(j int) int { // $ALetterEx*
		for e := extended(j, isALetter); e >= 0; e = extended(j, isALetter) {
			j = e
		}
		return j
	}
	isDash := func(r rune) bool { return r == '-' }
	best := i + 1
	try := func(e int) {
		if e > best {
			best = e
		}
	}
	try(sequence(i, isALetter))         // $LetterSequence
	if j := letters(i); at(j, isDash) { // $ALetterEx* $dash+
		for at(j, isDash) {
			j++
		}
		try(j)
	}
	j, parts := letters(i), 0 // $ALetterEx* ($dash $LetterSequence)+ $dash*
	for at(j, isDash) {
		e := sequence(j+1, isALetter)
		if e < 0 {
			break
		}
		j, parts = e, parts+1
	}
	if parts > 0 {
		for at(j, isDash) {
			j++
		}
		try(j)
	}
	try(sequence(i, isKatakana))
	try(extended(i, func(r rune) bool { return unicode.Is(unicode.Hiragana, r) }))
	try(extended(i, func(r rune) bool { return !isControl(r) && !unicode.Is(unicode.Ideographic, r) }))
	if t[i] == '\r' && at(i+1, func(r rune) bool { return r == '\n' }) {
		try(i + 2)
	}
	return best
}

// Character classes of count_word.txt.

// isALetter: alphabetic, punctuation, symbols and digits, but not the
// hyphen-minus, kana, Thai or Lao.
func isALetter(r rune) bool {
	if r == '-' || isKatakana(r) || unicode.In(r, unicode.Thai, unicode.Lao, unicode.Hiragana) {
		return false
	}
	return isAlphabetic(r) || r == 0x05F3 || unicode.IsPunct(r) || unicode.IsSymbol(r) || isLineBreakNumeric(r)
}

func isAlphabetic(r rune) bool {
	return unicode.IsLetter(r) || unicode.In(r, unicode.Nl, unicode.Other_Alphabetic, unicode.Other_Lowercase, unicode.Other_Uppercase)
}

// isLineBreakNumeric approximates Line_Break=Numeric: decimal digits, but
// not the full-width ones (Line_Break=Ideographic).
func isLineBreakNumeric(r rune) bool {
	return unicode.Is(unicode.Nd, r) && !(r >= 0xFF10 && r <= 0xFF19)
}

func isKatakana(r rune) bool {
	return unicode.Is(unicode.Katakana, r) || r == 0x30FC || r == 0xFF70 || r == 0xFF9E || r == 0xFF9F
}

func isExtend(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Other_Grapheme_Extend)
}

const zwsp = '\u200b'

func isFormat(r rune) bool { return unicode.Is(unicode.Cf, r) && r != zwsp }

func isControl(r rune) bool {
	return unicode.In(r, unicode.Zl, unicode.Zp, unicode.Cc, unicode.Cf) && r != zwsp
}

// isUSpace is ICU's u_isspace, which the scanner skips between words.
func isUSpace(r rune) bool {
	return unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp) || (r >= 0x09 && r <= 0x0D) || (r >= 0x1C && r <= 0x1F) || r == 0x85
}

// isWhiteOrZWSP is what the break iterator skips as space.
func isWhiteOrZWSP(r rune) bool { return unicode.Is(unicode.White_Space, r) || r == zwsp }

// isAsian is i18npool's script class ASIAN: by Unicode block for the blocks
// its table names, by script for the others.
func isAsian(r rune) bool {
	switch {
	case r >= 0x1100 && r <= 0x11FF, // Hangul Jamo
		r >= 0x2E80 && r <= 0x2FDF, r >= 0x2FF0 && r <= 0x2FFF, // CJK radicals, Kangxi, description
		r >= 0x3000 && r <= 0x4DBF, // CJK symbols and punctuation, kana, bopomofo … extension A
		r >= 0x4E00 && r <= 0x9FFF, r >= 0xA000 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7AF,
		r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFFEF, // compatibility and full-width forms
		r >= 0x20000 && r <= 0x2A6DF, r >= 0x2F800 && r <= 0x2FA1F:
		return true
	}
	// Other blocks (Latin, punctuation, symbols, emoji, later CJK
	// extensions): by script.
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo, unicode.Yi)
}
