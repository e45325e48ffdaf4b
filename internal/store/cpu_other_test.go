//go:build !linux

package store

import "time"

// cpuNow is not measured here: benchmarks report 0 CPU time.
func cpuNow() time.Duration { return 0 }
