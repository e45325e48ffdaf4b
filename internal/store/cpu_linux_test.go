package store

import (
	"syscall"
	"time"
)

// cpuNow is the CPU time (user + system) the process used so far: on a
// shared machine wall time also counts other people's work, CPU time not.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
