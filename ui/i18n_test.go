package ui

import (
	"encoding/json"
	"testing"
	"unicode"

	"kaohe/assets"
	"kaohe/internal/kaohe"
)

// isFullWidthPunct: CJK punctuation (、。《》「」 and the ideographic space)
// and the full-width forms (：，（）！).
func isFullWidthPunct(r rune) bool {
	return (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF01 && r <= 0xFF60) || (r >= 0xFFE0 && r <= 0xFFE6)
}

// TestEnglishUsesASCIIPunctuation: no English text carries Chinese
// punctuation ("Level 2：Awaiting exam").
func TestEnglishUsesASCIIPunctuation(t *testing.T) {
	b, err := assets.TranslationsFor(string(kaohe.LangEn))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range m {
		for _, r := range v {
			if isFullWidthPunct(r) {
				t.Errorf("en.json %s = %q holds %q", k, v, r)
				break
			}
		}
	}
	// Reference data in English too: levels, categories, grades.
	for _, c := range kaohe.TrainingCategories() {
		for _, r := range c.Name.En {
			if isFullWidthPunct(r) || unicode.Is(unicode.Han, r) {
				t.Errorf("training category %q in English holds %q", c.Name.En, r)
			}
		}
	}
}

func TestTextf(t *testing.T) {
	defer SetLanguage(kaohe.LangZh)
	const format = "%s → %s：%s（%d）　%s、%s"
	for _, tc := range []struct {
		lang kaohe.Lang
		want string
	}{
		{kaohe.LangZh, "D006 冯子轩 → 二级：待考试（3）　甲、乙"},
		{kaohe.LangEn, "D006 冯子轩 → 二级: 待考试 (3)   甲, 乙"},
	} {
		if err := SetLanguage(tc.lang); err != nil {
			t.Fatal(err)
		}
		if got := Textf(format, "D006 冯子轩", "二级", "待考试", 3, "甲", "乙"); got != tc.want {
			t.Errorf("%s: Textf = %q; want %q", tc.lang, got, tc.want)
		}
	}
	// The values keep their own punctuation.
	SetLanguage(kaohe.LangEn)
	if got := Textf("%s：%s", "《述职报告》", "好，很好"); got != "《述职报告》: 好，很好" {
		t.Errorf("Textf changed a value: %q", got)
	}
}

// TestPersonName: the session bar, account lists and review-group pickers
// name a person with full-width brackets only in Chinese.
func TestPersonName(t *testing.T) {
	defer SetLanguage(kaohe.LangZh)
	for _, tc := range []struct {
		lang           kaohe.Lang
		name, no, want string
	}{
		{kaohe.LangZh, "董喆", "D001", "董喆（D001）"},
		{kaohe.LangEn, "董喆", "D001", "董喆 (D001)"},
		{kaohe.LangEn, "王芳", "", "王芳"},
	} {
		if err := SetLanguage(tc.lang); err != nil {
			t.Fatal(err)
		}
		if got := personName(tc.name, tc.no); got != tc.want {
			t.Errorf("%s: personName(%q, %q) = %q; want %q", tc.lang, tc.name, tc.no, got, tc.want)
		}
	}
}
