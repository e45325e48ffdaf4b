//go:build !windows

package main

// acquireInstance: only the Windows installer needs to see a running window
// (instance_windows.go); elsewhere nothing is locked.
func acquireInstance() (release func(), running bool, err error) {
	return func() {}, false, nil
}
