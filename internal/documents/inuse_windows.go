//go:build windows

package documents

import (
	"errors"

	"golang.org/x/sys/windows"
)

// inUse reports a file Windows will not replace because another program
// (a PDF viewer, Excel) has it open: rename answers "access denied" or a
// sharing or lock violation.
func inUse(err error) bool {
	return errors.Is(err, windows.ERROR_SHARING_VIOLATION) || errors.Is(err, windows.ERROR_ACCESS_DENIED) ||
		errors.Is(err, windows.ERROR_LOCK_VIOLATION)
}
