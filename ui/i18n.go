// Package ui is the Fyne desktop interface. It sees the domain
// (internal/kaohe) and the embedded assets, and reaches data only through the
// small interfaces it declares (ManagerStore, …); cmd/kaohe wires them.
package ui

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"kaohe/assets"
	"kaohe/internal/i18n"
	"kaohe/internal/kaohe"
	_ "kaohe/internal/syslocale" // before Fyne reads the locale: no "Error parsing user locale C"
)

var (
	langMu  sync.RWMutex
	current = kaohe.LangZh
)

// SetLanguage makes l the language of every text from now on. Fyne picks
// translations by the system locale and has no setter, so the chosen
// language's file is registered under the system locale's name (and its
// own): Chinese is then the default whatever the OS language.
func SetLanguage(l kaohe.Lang) error {
	if l != kaohe.LangZh && l != kaohe.LangEn {
		return kaohe.Errorf(kaohe.EINVALID, "err.bad_language", "Value", string(l))
	}
	data, err := assets.TranslationsFor(string(l))
	if err != nil {
		return err
	}
	for _, loc := range []fyne.Locale{lang.SystemLocale(), fyne.Locale(l)} {
		if err := lang.AddTranslationsForLocale(data, loc); err != nil {
			return fmt.Errorf("translations %s: %w", l, err)
		}
	}
	langMu.Lock()
	current = l
	plainTexts, textsOf = map[string]string{}, textsOf+1
	langMu.Unlock()
	return nil
}

// plainTexts keeps the texts without data looked up in the current language:
// lists of thousands of rows ask for the same few (a grade, a state) per
// row, and each look-up through Fyne's localizer costs microseconds and
// allocations. Emptied by SetLanguage, which also counts textsOf up.
var (
	plainTexts = map[string]string{}
	textsOf    uint64
)

// Language returns the language in use.
func Language() kaohe.Lang {
	langMu.RLock()
	defer langMu.RUnlock()
	return current
}

// T returns the text of key in the current language, filled from data
// (name/value pairs).
func T(key string, kv ...any) string {
	if len(kv) == 0 {
		langMu.RLock()
		text, ok := plainTexts[key]
		of := textsOf
		langMu.RUnlock()
		if ok {
			return text
		}
		text = lang.LocalizeKey(key, key)
		langMu.Lock()
		if textsOf == of { // the language did not change meanwhile
			plainTexts[key] = text
		}
		langMu.Unlock()
		return text
	}
	data := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		data[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return lang.LocalizeKey(key, key, data)
}

// Textf is fmt.Sprintf for text on screen: in English the full-width
// punctuation of format (：，、；（）【】 and the ideographic space) becomes
// ASCII, so one format serves both languages — "Level 2: Awaiting exam", not
// "Level 2：Awaiting exam". The values are left as they are: a Chinese name
// keeps its own punctuation.
func Textf(format string, a ...any) string {
	if Language() != kaohe.LangZh {
		format = asciiPunct.Replace(format)
	}
	return fmt.Sprintf(format, a...)
}

// personName shows a person with a qualifier, as records name them:
// "董喆（D001）" in Chinese, "董喆 (D001)" in English; without the qualifier
// just the name.
func personName(name, qualifier string) string {
	if qualifier == "" {
		return name
	}
	return strings.TrimSpace(Textf("%s（%s）", name, qualifier))
}

// writeTextf is fmt.Fprintf with Textf's punctuation.
func writeTextf(w io.Writer, format string, a ...any) { io.WriteString(w, Textf(format, a...)) }

// joinList joins names as a list: "张三、李四", or "Zhang San, Li Si".
func joinList(items []string) string { return strings.Join(items, Textf("、")) }

var asciiPunct = strings.NewReplacer("：", ": ", "，", ", ", "、", ", ", "；", "; ", "（", " (", "）", ") ",
	"【", "[", "】", "]", "　", "  ", "。", ". ", "！", "! ", "？", "? ")

// ErrorText says what went wrong in the user's language, naming the field
// at fault when the error names one.
func ErrorText(err error) string { return i18n.Error(Language(), err) }

// Tr returns reference text in the current language.
func Tr(t kaohe.Text) string { return t.In(Language()) }

// FormatDate shows a day the user's way: 2026年11月27日 in Chinese.
func FormatDate(d kaohe.Date) string {
	if Language() == kaohe.LangZh {
		return d.Chinese()
	}
	return d.String()
}

// LevelName is a level's short name: 一级 … 五级, or "Level 1".
func LevelName(l kaohe.Level) string {
	if l == 0 {
		return "—"
	}
	if Language() == kaohe.LangZh {
		return string([]rune("一二三四五")[l-1]) + "级"
	}
	return T("level.short", "Level", int(l))
}
