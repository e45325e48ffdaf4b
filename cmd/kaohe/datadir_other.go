//go:build !windows

package main

import (
	"os"
	"path/filepath"
)

func defaultDataDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "kaohe-data"
	}
	return filepath.Join(dir, "kaohe")
}

// legacyDataDir: the data folder has not moved outside Windows.
func legacyDataDir() string { return "" }
