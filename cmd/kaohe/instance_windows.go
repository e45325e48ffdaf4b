//go:build windows

package main

import (
	"errors"

	"golang.org/x/sys/windows"
)

// instanceLock is the name of the mutex the window holds while it runs; the
// installer (packaging/windows/installer.nsi) looks for it before replacing
// kaohe.exe, and a second window refuses to open beside the first.
const instanceLock = `Local\cn.kaohe.desktop.instance`

// acquireInstance takes the single-instance lock. running reports that
// another window already holds it; release frees it at exit.
func acquireInstance() (release func(), running bool, err error) {
	name, err := windows.UTF16PtrFromString(instanceLock)
	if err != nil {
		return nil, false, err
	}
	h, err := windows.CreateMutex(nil, false, name)
	if errors.Is(err, windows.ERROR_ALREADY_EXISTS) {
		windows.CloseHandle(h)
		return nil, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	return func() { windows.CloseHandle(h) }, false, nil
}
