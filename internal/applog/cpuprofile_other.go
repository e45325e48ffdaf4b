//go:build !linux

package applog

// CPUProfile is a Linux diagnostics option (cpuprofile_linux.go).
func CPUProfile() (stop func()) { return func() {} }
