package ui

import (
	"os"
	"runtime/debug"
)

// MemoryLimit is the window's soft memory limit: near it the garbage
// collector works harder and hands memory back sooner, instead of letting
// the heap double after each large read (10,000 managers are read at once).
const MemoryLimit = 128 << 20

// GCPercent is the window's GOGC: the heap may grow by half its live size
// between collections, not double. With 10,000 managers the live heap is
// about 50 MB once every screen was shown, so the heap stays near 75 MB
// instead of 105 (docs/BENCHMARKS.md, the real window's memory); a
// collection of it costs a few milliseconds of a core, mostly beside the
// UI thread.
const GCPercent = 50

// LimitMemory sets MemoryLimit and GCPercent for the process, unless
// GOMEMLIMIT or GOGC set their own, and returns what puts back the old ones.
func LimitMemory() (restore func()) {
	limit, percent := int64(-1), -2
	if os.Getenv("GOMEMLIMIT") == "" {
		limit = debug.SetMemoryLimit(MemoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		percent = debug.SetGCPercent(GCPercent)
	}
	return func() {
		if limit >= 0 {
			debug.SetMemoryLimit(limit)
		}
		if percent != -2 {
			debug.SetGCPercent(percent)
		}
	}
}
