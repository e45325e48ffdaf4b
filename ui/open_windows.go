//go:build windows

package ui

import "kaohe/internal/documents"

// openPath opens a file with its associated program (ShellExecute on the
// plain path).
func openPath(abs string) error { return documents.Open(abs) }
