//go:build windows

package main

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// instanceLock is the name of the mutex the window holds while it runs; the
// installer (packaging/windows/installer.nsi) looks for it before replacing
// kaohe.exe, and a second window refuses to open beside the first.
const instanceLock = `Local\cn.kaohe.desktop.instance`

// acquireInstance takes the single-instance lock. running reports that
// another window already holds it; release frees it at exit.
// Started by the updater (KAOHE_UPDATED), it waits up to 20 s for the old
// window to close.
func acquireInstance() (release func(), running bool, err error) {
	name, err := windows.UTF16PtrFromString(instanceLock)
	if err != nil {
		return nil, false, err
	}
	deadline := time.Now()
	if os.Getenv("KAOHE_UPDATED") != "" {
		deadline = deadline.Add(20 * time.Second)
	}
	h, err := windows.CreateMutex(nil, false, name)
	for errors.Is(err, windows.ERROR_ALREADY_EXISTS) && time.Now().Before(deadline) {
		windows.CloseHandle(h)
		time.Sleep(250 * time.Millisecond)
		h, err = windows.CreateMutex(nil, false, name)
	}
	if errors.Is(err, windows.ERROR_ALREADY_EXISTS) {
		windows.CloseHandle(h)
		return nil, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	return func() { windows.CloseHandle(h) }, false, nil
}
