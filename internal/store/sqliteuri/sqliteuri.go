// Package sqliteuri turns a file path into the "file:" URI that
// mattn/go-sqlite3 and SQLite expect. SQLite percent-decodes the path and
// cuts it at '?' and '#': a data folder named "A#1" or "100%" would otherwise
// open a different (truncated) file or fail.
package sqliteuri

import (
	"path/filepath"
	"strings"
)

var escaper = strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23")

// File is the URI of the database at path, without parameters: add
// "?"+query yourself. Other bytes (spaces, Chinese) pass as they are.
func File(path string) string {
	return "file:" + escaper.Replace(filepath.ToSlash(path))
}
