package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"kaohe/assets"
)

// Theme is the default theme with the bundled CJK font, so Chinese renders
// the same on every PC whatever fonts it has, and the company red as the
// primary colour.
type Theme struct {
	font fyne.Resource
}

// NewTheme returns the app's theme.
func NewTheme() *Theme {
	return &Theme{font: fyne.NewStaticResource(assets.FontName, assets.Font)}
}

// Brand is the company red of the icon and documents.
var Brand = color.NRGBA{R: 0xb7, G: 0x1c, B: 0x1c, A: 0xff}

// Color implements fyne.Theme.
func (t *Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNamePrimary, theme.ColorNameFocus:
		return Brand
	}
	return theme.DefaultTheme().Color(n, v)
}

// Font implements fyne.Theme: one face for every style (Fyne does not
// synthesise bold, and the painter shares the parsed face: fontshare.go);
// monospace keeps Fyne's own.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	faceParsed(s)
	if s.Monospace {
		return theme.DefaultTheme().Font(s)
	}
	return t.font
}

// Icon implements fyne.Theme.
func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Size implements fyne.Theme.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }
