//go:build windows

package store

import (
	"errors"

	"golang.org/x/sys/windows"
)

// inUse reports a file another process holds open without sharing it. Under
// wine, SQLite's -wal and -shm files, open in another Kaohe process (the
// window, while a command runs), refuse even a change of attributes so.
func inUse(err error) bool { return errors.Is(err, windows.ERROR_SHARING_VIOLATION) }
