//go:build !windows

package main

// attachConsole: elsewhere the terminal's handles are the program's own.
func attachConsole() bool { return true }

// messageBox: errors reach stderr and the log outside Windows.
func messageBox(title, text string) {}
