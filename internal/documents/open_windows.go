//go:build windows

package documents

import (
	"fmt"

	"golang.org/x/sys/windows"
)

// Open opens a file with its associated program through ShellExecute on
// the plain path: Fyne's OpenURL hands rundll32 a percent-encoded file:///
// URL, which fails for names in Chinese. It can take seconds (the viewer
// starting): call it off the UI thread.
func Open(abs string) error {
	verb, _ := windows.UTF16PtrFromString("open")
	file, err := windows.UTF16PtrFromString(abs)
	if err != nil {
		return err
	}
	if err := windows.ShellExecute(0, verb, file, nil, nil, windows.SW_SHOWNORMAL); err != nil {
		return fmt.Errorf("open %s: %w", abs, err)
	}
	return nil
}
