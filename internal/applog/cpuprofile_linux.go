//go:build linux

package applog

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// CPUProfile starts, with KAOHE_CPU_PROFILE=FILE in the environment, a CPU
// profile of the program's whole run written to FILE.PID (go tool pprof
// reads it): where a real `kaohe sync` and `kaohe-hq serve` spend their
// time, side by side. It returns what ends the profile (nothing to end
// without the variable). A diagnostics option, Linux only.
func CPUProfile() (stop func()) {
	name := os.Getenv("KAOHE_CPU_PROFILE")
	if name == "" {
		return func() {}
	}
	f, err := os.Create(fmt.Sprintf("%s.%d", name, os.Getpid()))
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cpu profile:", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
