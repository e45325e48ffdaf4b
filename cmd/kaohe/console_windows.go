//go:build windows

package main

import (
	"os"
	"syscall"
)

// attachConsole connects a -H=windowsgui build to the console it was started
// from, so subcommands print there; started from Explorer there is none and
// nothing changes.
func attachConsole() {
	const attachParentProcess = ^uint32(0) // (DWORD)-1
	proc := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	if r, _, _ := proc.Call(uintptr(attachParentProcess)); r == 0 {
		return
	}
	if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		os.Stdout, os.Stderr = f, f
	}
	if f, err := os.OpenFile("CONIN$", os.O_RDONLY, 0); err == nil {
		os.Stdin = f
	}
}
