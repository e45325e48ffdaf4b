//go:build !windows

package ui

import (
	"net/url"
	"path/filepath"

	"fyne.io/fyne/v2"
)

// openPath opens an absolute path with the desktop's viewer (xdg-open, open).
func openPath(abs string) error {
	u := &url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	var err error
	fyne.DoAndWait(func() { err = fyne.CurrentApp().OpenURL(u) })
	return err
}
