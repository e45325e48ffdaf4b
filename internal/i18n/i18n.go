// Package i18n looks up the project's translations (assets/i18n) for
// programs without a window: the HQ server and its admin commands. The
// window uses Fyne's lang package over the same files for its labels, and
// Error here for its messages, so both say a failure the same way.
package i18n

import (
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"strings"
	"sync"
	"text/template"

	"kaohe/assets"
	"kaohe/internal/kaohe"
)

var (
	once   sync.Once
	tables map[kaohe.Lang]map[string]string
)

func load() {
	tables = map[kaohe.Lang]map[string]string{}
	for _, l := range []kaohe.Lang{kaohe.LangZh, kaohe.LangEn} {
		b, err := assets.TranslationsFor(string(l))
		if err != nil {
			continue
		}
		m := map[string]string{}
		json.Unmarshal(b, &m)
		tables[l] = m
	}
}

// Text returns key's text in lang, filled from args.
func Text(lang kaohe.Lang, key string, args map[string]any) string {
	once.Do(load)
	src, ok := tables[lang][key]
	if !ok {
		return key
	}
	t, err := template.New(key).Parse(src)
	if err != nil {
		return src
	}
	var b strings.Builder
	if err := t.Execute(&b, args); err != nil {
		return src
	}
	return b.String()
}

// Error says what went wrong in lang, naming the field at fault.
func Error(lang kaohe.Lang, err error) string {
	// Several problems of one input (kaohe.Problems): one line each.
	if many, ok := err.(interface{ Unwrap() []error }); ok {
		lines := make([]string, 0, len(many.Unwrap()))
		for _, inner := range many.Unwrap() {
			lines = append(lines, Error(lang, inner))
		}
		return strings.Join(lines, "\n")
	}
	var e *kaohe.Error
	if !errors.As(err, &e) {
		var pe *fs.PathError
		switch {
		case errors.As(err, &pe) && errors.Is(err, fs.ErrNotExist):
			return Text(lang, "err.file_missing", map[string]any{"Path": pe.Path})
		case errors.As(err, &pe) && errors.Is(err, fs.ErrPermission):
			return Text(lang, "err.file_denied", map[string]any{"Path": pe.Path})
		}
		return Text(lang, "err.internal", map[string]any{"Detail": err.Error()})
	}
	args := e.Args
	for k, v := range e.Args {
		if inner, ok := v.(error); ok {
			args = maps.Clone(e.Args)
			args[k] = Error(lang, inner)
		}
	}
	msg := Text(lang, e.Key, args)
	if e.Field != "" {
		if label := Text(lang, "field."+e.Field, nil); label != "field."+e.Field {
			return Text(lang, "err.prefix.field", map[string]any{"Field": label, "Message": msg})
		}
	}
	return msg
}

// Refusal says in lang why a change was refused, from the refusal's text
// as a push result carries it: "key [field] (Name=value, …)".
func Refusal(lang kaohe.Lang, message string) string {
	key, rest, _ := strings.Cut(message, " ")
	once.Do(load)
	if _, ok := tables[lang][key]; !ok {
		return message
	}
	e := &kaohe.Error{Key: key}
	if f, r, ok := strings.Cut(rest, "] "); ok && strings.HasPrefix(f, "[") {
		e.Field, rest = strings.TrimPrefix(f, "["), r
	} else if strings.HasPrefix(rest, "[") && strings.HasSuffix(rest, "]") {
		e.Field, rest = strings.Trim(rest, "[]"), ""
	}
	if strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")") {
		e.Args = map[string]any{}
		for _, kv := range strings.Split(rest[1:len(rest)-1], ", ") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				e.Args[k] = v
			}
		}
	}
	return Error(lang, e)
}
