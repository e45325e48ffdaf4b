//go:build !unix

package watch

import "errors"

// mkfifo: no named pipes in the file system here (Windows).
func mkfifo(string) error { return errors.New("no FIFOs on this system") }
