package ui

import (
	"os"
	"runtime/debug"
)

// MemoryLimit is the window's soft memory limit: near it the garbage
// collector works harder and hands memory back sooner, instead of letting
// the heap double after each large read (10,000 managers are read at once).
const MemoryLimit = 128 << 20

// LimitMemory sets MemoryLimit for the process, unless GOMEMLIMIT sets one,
// and returns the limit it replaced.
func LimitMemory() (old int64) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1)
	}
	return debug.SetMemoryLimit(MemoryLimit)
}
