package main

import "path/filepath"

// logDir is DATA/logs of the default data folder (%LocalAppData%\kaohe\logs
// on Windows), whatever --data says, so it is found in one place. The log
// itself is package applog's.
func logDir() string { return filepath.Join(defaultDataDir(), "logs") }
