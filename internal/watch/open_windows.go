package watch

import "os"

// openRegular opens path for reading; Windows has no FIFOs in a folder, and
// the caller checks the opened file is a regular one.
func openRegular(path string) (*os.File, error) {
	return os.Open(path)
}
