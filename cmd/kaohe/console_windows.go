//go:build windows

package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// attachConsole connects a -H=windowsgui build to the console it was started
// from, so subcommands print there; started from Explorer there is none and
// nothing changes. Handles the caller redirected (kaohe version > v.txt, a
// pipe) are kept: only those without a usable handle go to the console.
// It reports whether stderr leads anywhere (else errors need a message box).
func attachConsole() bool {
	std := []struct {
		id   uint32
		file **os.File
		name string
		mode int
	}{
		{windows.STD_INPUT_HANDLE, &os.Stdin, "CONIN$", os.O_RDONLY},
		{windows.STD_OUTPUT_HANDLE, &os.Stdout, "CONOUT$", os.O_WRONLY},
		{windows.STD_ERROR_HANDLE, &os.Stderr, "CONOUT$", os.O_WRONLY},
	}
	redirected := make([]bool, len(std))
	all := true
	for i, s := range std {
		redirected[i] = usable(s.id)
		all = all && redirected[i]
	}
	if all {
		return true
	}
	const attachParentProcess = ^uint32(0) // (DWORD)-1
	if r, _, _ := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole").Call(uintptr(attachParentProcess)); r == 0 {
		return redirected[2]
	}
	for i, s := range std {
		if redirected[i] {
			continue
		}
		if f, err := os.OpenFile(s.name, s.mode, 0); err == nil {
			*s.file = f
		}
	}
	return true
}

// messageBox shows an error to someone who double-clicked the program.
func messageBox(title, text string) {
	t, _ := windows.UTF16PtrFromString(title)
	m, _ := windows.UTF16PtrFromString(text)
	windows.MessageBox(0, m, t, windows.MB_OK|windows.MB_ICONERROR|windows.MB_SETFOREGROUND)
}

// usable reports whether a standard handle leads somewhere (a file, pipe or
// console), as it does when the caller redirected it.
func usable(id uint32) bool {
	h, err := windows.GetStdHandle(id)
	if err != nil || h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}
