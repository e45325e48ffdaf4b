// Package assets holds the files the program embeds: the CJK font with its
// licence, the icon and the translations. Bytes only; no Fyne here, so the
// documents and the command line use them too.
package assets

import (
	"embed"
	_ "embed"
)

// Font is WenQuanYi Micro Hei (文泉驿微米黑), a single TrueType face with
// Latin and CJK glyphs, under the Apache License 2.0 (fonts/LICENSE-wqy-microhei.txt).
//
//go:embed fonts/wqy-microhei.ttf
var Font []byte

// FontName is the font's file name.
const FontName = "wqy-microhei.ttf"

// Icon is the application icon, a 512×512 PNG.
//
//go:embed icon.png
var Icon []byte

// Translations holds i18n/zh.json and i18n/en.json: flat maps from a key to
// a text/template string.
//
//go:embed i18n/*.json
var Translations embed.FS

// TranslationsFor returns the translation file of a language ("zh", "en").
func TranslationsFor(lang string) ([]byte, error) {
	return Translations.ReadFile("i18n/" + lang + ".json")
}
