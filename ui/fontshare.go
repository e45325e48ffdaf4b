package ui

import (
	"reflect"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"fyne.io/fyne/v2"
)

// Fyne's painter keeps a parsed font per text style: regular, bold, italic
// and bold italic each parse the theme's font again (with Fyne's emoji font
// beside it). For the bundled CJK font that is 16.6 MB of parsed glyphs per
// style, and the window draws at least regular and bold (form labels,
// dialog titles). The font has one weight and Fyne synthesises neither bold
// nor italic, so those styles already draw with the very same glyphs as
// regular text: sharing the regular face between them changes no pixel and
// saves a parse each.
//
// Fyne offers no setting for this. shareFaces stores the regular face under
// the other styles' keys in the painter's cache (fontCache below, reached by
// linkname), so those styles never parse. It checks the cache's key and
// value types first: a Fyne whose cache looks otherwise is left alone (the
// styles then parse as before) and TestFontFacesShared fails, so an upgrade
// is noticed.

//go:linkname fyneFontCache fyne.io/fyne/v2/internal/painter.fontCache
var fyneFontCache sync.Map // internal/async.Map[cacheID, *FontCacheItem], a sync.Map

// fontKey mirrors the painter's cacheID.
type fontKey struct {
	style fyne.TextStyle
	scope string
}

// sharedStyles are the styles that draw with the theme's one font.
var sharedStyles = []fyne.TextStyle{{Bold: true}, {Italic: true}, {Bold: true, Italic: true}}

// drawsRegular says whether s is drawn with the regular face (Theme.Font
// hands every such style the same font).
func drawsRegular(s fyne.TextStyle) bool { return !s.Monospace && !s.Symbol }

// keyType returns the painter's cacheID type if it has fontKey's layout.
func keyType(k any) reflect.Type {
	t := reflect.TypeOf(k)
	if t == nil || t.Kind() != reflect.Struct || t.Name() != "cacheID" || t.PkgPath() != "fyne.io/fyne/v2/internal/painter" ||
		t.Size() != unsafe.Sizeof(fontKey{}) || t.NumField() != 2 {
		return nil
	}
	f0, f1 := t.Field(0), t.Field(1)
	if f0.Name != "style" || f0.Type != reflect.TypeOf(fyne.TextStyle{}) || f0.Offset != unsafe.Offsetof(fontKey{}.style) ||
		f1.Name != "scope" || f1.Type.Kind() != reflect.String || f1.Offset != unsafe.Offsetof(fontKey{}.scope) {
		return nil
	}
	return t
}

// readKey returns k as a fontKey (k is a cacheID: keyType checked it).
func readKey(t reflect.Type, k any) fontKey {
	v := reflect.New(t)
	v.Elem().Set(reflect.ValueOf(k))
	return *(*fontKey)(v.UnsafePointer())
}

// makeKey returns a cacheID holding fk.
func makeKey(t reflect.Type, fk fontKey) any {
	v := reflect.New(t)
	*(*fontKey)(v.UnsafePointer()) = fk
	return v.Elem().Interface()
}

// shareFaces stores the regular face of the window's theme under every
// other style drawn with it, replacing any face parsed for them. It reports
// false when the cache holds no regular face yet or is not what it expects.
func shareFaces() bool {
	var (
		t       reflect.Type
		regular any
		others  []fontKey
	)
	ok := true
	fyneFontCache.Range(func(k, v any) bool {
		kt := keyType(k)
		if kt == nil || reflect.TypeOf(v) == nil || reflect.TypeOf(v).String() != "*painter.FontCacheItem" {
			ok = false
			return false
		}
		t = kt
		fk := readKey(kt, k)
		if fk.scope != "" || !drawsRegular(fk.style) {
			return true // a theme override's, a monospace or symbol face: its own
		}
		if fk.style == (fyne.TextStyle{}) {
			regular = v
		} else {
			others = append(others, fk)
		}
		return true
	})
	if !ok || regular == nil {
		return false
	}
	for _, s := range sharedStyles {
		others = append(others, fontKey{style: s})
	}
	for _, fk := range others {
		fyneFontCache.Store(makeKey(t, fk), regular)
	}
	return true
}

// facesShared says whether every style drawn with the regular face has it
// (for tests and the benchmarks).
func facesShared() bool {
	var regular any
	var styles []any
	fyneFontCache.Range(func(k, v any) bool {
		t := keyType(k)
		if t == nil {
			styles = append(styles, nil)
			return false
		}
		fk := readKey(t, k)
		if fk.scope != "" || !drawsRegular(fk.style) {
			return true
		}
		if fk.style == (fyne.TextStyle{}) {
			regular = v
		}
		styles = append(styles, v)
		return true
	})
	if regular == nil {
		return false
	}
	for _, v := range styles {
		if v != regular {
			return false
		}
	}
	return true
}

// resharing is set while a goroutine puts the shared faces back.
var resharing atomic.Bool

// faceParsed is called by Theme.Font: Fyne asks the theme for a style's
// font when it parses a face for that style, which for bold or italic means
// the cache was emptied (a change of settings clears it) and the shared
// faces are gone. They are put back shortly after, once Fyne has stored the
// regular face again; the face parsed meanwhile is then garbage.
func faceParsed(s fyne.TextStyle) {
	if s == (fyne.TextStyle{}) || !drawsRegular(s) || !resharing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer resharing.Store(false)
		for range 20 {
			time.Sleep(100 * time.Millisecond)
			if shareFaces() && facesShared() {
				return
			}
		}
	}()
}

// setTheme sets the app's theme, parses its regular face at once and hands
// it to the other styles (see shareFaces).
func setTheme(a fyne.App) {
	a.Settings().SetTheme(NewTheme())
	fyne.MeasureText("客", 14, fyne.TextStyle{})
	shareFaces()
}
