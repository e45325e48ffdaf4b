package kaohe

// Lang is a language the product speaks.
type Lang string

// The product's languages; Chinese is the default everywhere.
const (
	LangZh Lang = "zh"
	LangEn Lang = "en"
)

// Text is a piece of reference text in both languages.
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// In returns the text in lang, falling back to Chinese.
func (t Text) In(lang Lang) string {
	if lang == LangEn && t.En != "" {
		return t.En
	}
	return t.Zh
}
