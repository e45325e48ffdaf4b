//go:build !windows

package xinput

// Pin: only GLFW on Windows loads XInput.
func Pin() string { return "" }
