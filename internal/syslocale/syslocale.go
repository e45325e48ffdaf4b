// Package syslocale makes a "C.UTF-8"-style locale readable to Fyne before
// Fyne reads it. Fyne's lang package parses the locale in its own package
// init and logs "Fyne error: Error parsing user locale C" (three lines, and
// again at every translation load) when LANG or LC_ALL is C.UTF-8, as on
// most servers and CI machines. Import it for its side effect:
//
//	import _ "kaohe/internal/syslocale"
//
// It imports only syscall, so Go initialises it before any package that
// needs os, which Fyne's lang does (a test in cmd/kaohe runs the binary on a
// C.UTF-8 locale and checks that stderr stays empty).
package syslocale

import (
	"strings"
	"syscall"
)

func init() { fix() }

// fix gives a C-family locale ("C.UTF-8", "POSIX.utf8") the language "en"
// through LANGUAGE, which Fyne's locale lookup reads for such a locale;
// LANG and LC_ALL stay as they are, so programs started from here keep
// their UTF-8 character set. A LANGUAGE already set is left alone.
func fix() {
	if v, ok := syscall.Getenv("LANGUAGE"); ok && v != "" {
		return
	}
	for _, env := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v, _ := syscall.Getenv(env)
		if v == "" {
			continue
		}
		base, _, _ := strings.Cut(v, ".")
		base, _, _ = strings.Cut(base, "@")
		if v != base && (base == "C" || base == "POSIX") {
			syscall.Setenv("LANGUAGE", "en")
		}
		return
	}
}
