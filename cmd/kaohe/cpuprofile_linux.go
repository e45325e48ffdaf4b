//go:build linux

package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// With KAOHE_CPU_PROFILE=FILE in its environment, the program writes a CPU
// profile of its whole run to FILE.PID (go tool pprof reads it): where a
// real `kaohe sync` spends its time, beside the server's own
// (kaohe-hq takes the same variable). A diagnostics option, Linux only.
func init() {
	name := os.Getenv("KAOHE_CPU_PROFILE")
	if name == "" {
		return
	}
	f, err := os.Create(fmt.Sprintf("%s.%d", name, os.Getpid()))
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cpu profile:", err)
		return
	}
	stopProfile = func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
