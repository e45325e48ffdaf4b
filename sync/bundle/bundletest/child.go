package bundletest

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// A bomb test measures what importing a hostile file costs a program alone:
// the test binary runs itself as a child (RunChild in TestMain), does the
// work, and tells its peak resident memory to the parent (PeakRSS). prefix
// names the environment variables that carry the child's mode and
// arguments (KAOHE gives KAOHE_CHILD and KAOHE_ARGS).

// RunChild, called first in TestMain, runs child instead of the tests when
// this process was started by PeakRSS with the same prefix, then exits with
// child's code after reporting its peak memory.
func RunChild(prefix string, child func(mode string, args []string) int) {
	mode := os.Getenv(prefix + "_CHILD")
	if mode == "" {
		return
	}
	code := child(mode, strings.Split(os.Getenv(prefix+"_ARGS"), "\x1f"))
	reportPeak()
	os.Exit(code)
}

// reportPeak tells the parent this process's peak resident memory. It is
// read from /proc/self/status (VmHWM, of this program's own memory map):
// the rusage a parent gets carries the parent's own peak over the exec.
func reportPeak() {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			os.Stderr.WriteString("\nVmHWM " + f[1] + "\n")
		}
	}
}

// PeakRSS runs the test binary as a child in mode with args and returns
// its exit code, peak resident memory and what it said. The test is
// skipped where the system gives no peak figure.
func PeakRSS(t testing.TB, prefix, mode string, args ...string) (int, int64, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), prefix+"_CHILD="+mode, prefix+"_ARGS="+strings.Join(args, "\x1f"))
	var errb strings.Builder
	cmd.Stderr = &errb
	cmd.Run()
	out := errb.String()
	i := strings.LastIndex(out, "\nVmHWM ")
	if i < 0 {
		t.Skip("no peak memory figure on this system")
	}
	kb, _ := strconv.ParseInt(strings.Fields(out[i+7:])[0], 10, 64)
	return cmd.ProcessState.ExitCode(), kb * 1024, strings.TrimSpace(out[:i])
}
