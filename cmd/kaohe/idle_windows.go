//go:build windows

package main

import (
	"syscall"
	"time"
	"unsafe"
)

var (
	user32           = syscall.NewLazyDLL("user32.dll")
	kernel32         = syscall.NewLazyDLL("kernel32.dll")
	getLastInputInfo = user32.NewProc("GetLastInputInfo")
	getTickCount     = kernel32.NewProc("GetTickCount")
)

type lastInputInfo struct {
	size uint32
	time uint32
}

// systemIdle is how long Windows has seen no keyboard or mouse input (what
// its own screen lock counts), so the window locks like the desktop does.
func systemIdle() func() time.Duration {
	return func() time.Duration {
		li := lastInputInfo{size: uint32(unsafe.Sizeof(lastInputInfo{}))}
		if r, _, _ := getLastInputInfo.Call(uintptr(unsafe.Pointer(&li))); r == 0 {
			return 0
		}
		now, _, _ := getTickCount.Call()
		return time.Duration(uint32(now)-li.time) * time.Millisecond
	}
}
