//go:build linux

package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"
)

// With KAOHE_HEAP_PROFILE=PREFIX in its environment, the program writes its
// live heap (after a collection) to PREFIX.1, PREFIX.2, … each time it
// receives SIGUSR1: where the window's memory goes, taken from the real
// program on its real display (scripts/bench-window-rss.sh -p). Without the
// variable SIGUSR1 keeps its default meaning.
func init() {
	prefix := os.Getenv("KAOHE_HEAP_PROFILE")
	if prefix == "" {
		return
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	go func() {
		for n := 1; ; n++ {
			<-ch
			runtime.GC()
			f, err := os.Create(fmt.Sprintf("%s.%d", prefix, n))
			if err != nil {
				fmt.Fprintln(os.Stderr, "heap profile:", err)
				continue
			}
			if err := pprof.WriteHeapProfile(f); err != nil {
				fmt.Fprintln(os.Stderr, "heap profile:", err)
			}
			f.Close()
		}
	}()
}
