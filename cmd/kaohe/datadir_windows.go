//go:build windows

package main

import (
	"os"
	"path/filepath"
)

// defaultDataDir is %LocalAppData%\kaohe: on the local disk, where a WAL
// database belongs (Roaming can be redirected to a network share).
func defaultDataDir() string {
	if dir := os.Getenv("LOCALAPPDATA"); dir != "" {
		return filepath.Join(dir, "kaohe")
	}
	return legacyDataDir()
}

// legacyDataDir is where versions up to 0.1 kept their data: %AppData%\kaohe.
func legacyDataDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "kaohe")
}
