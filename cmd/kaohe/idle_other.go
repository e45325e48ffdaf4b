//go:build !windows

package main

import "time"

// systemIdle is nil off Windows: the window counts its own activity.
func systemIdle() func() time.Duration { return nil }
