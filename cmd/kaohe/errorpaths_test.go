package main

import (
	"bytes"
	"errors"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"kaohe/internal/cli"
	"kaohe/internal/i18n"
	"kaohe/internal/kaohe"
	"kaohe/internal/testhq"
	"kaohe/sync/server"
	"kaohe/ui"
)

// englishWord is a run of Latin letters that a Chinese message must not
// hold, apart from names that are the same in both languages.
var englishWord = regexp.MustCompile(`[A-Za-z]{3,}`)

var sameInBothLanguages = map[string]bool{"kaohe": true, "restore": true, "backups": true, "https": true, "http": true,
	"HTTP": true, "HTTPS": true, "Excel": true, "PDF": true, "xlsx": true, "insecure": true, "Wi": true}

// TestCLIErrorPathsSpeakTheUsersLanguage walks the command line's error
// paths (files missing, foreign or damaged; databases damaged or not
// databases; bundles and workbooks refused; HQ unreachable, not speaking
// TLS, or with a certificate nobody trusts) in both languages, and fails on
// a Chinese message with English words from below in it, an English one
// with Chinese, or a raw translation key.
func TestCLIErrorPathsSpeakTheUsersLanguage(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if _, _, err := runCLI(t, "--data", data, "demo", "--today", "2026-11-27"); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o644)
		return p
	}
	notDB := write("notdb.bak", []byte("这不是数据库 not a database at all, just text that is long enough to look like something"))
	junk := write("junk.xlsx", []byte("PK\x03\x04 not really a workbook"))
	big := write("big.xlsx", bytes.Repeat([]byte("PK"), 9<<20))
	junkBundle := write("junk.kaohe", []byte("\x1f\x8b\x08 not gzip really"))
	aFile := write("plain.txt", []byte("x"))
	missing := filepath.Join(dir, "nowhere", "roster.xlsx")

	// A damaged copy of the demo database, in its own data folder.
	damagedData := filepath.Join(dir, "damaged")
	os.MkdirAll(damagedData, 0o700)
	raw, _ := os.ReadFile(filepath.Join(data, "kaohe.db"))
	for p := 3 * 4096; p+4096 < len(raw); p += 5 * 4096 {
		copy(raw[p:p+4096], bytes.Repeat([]byte{0xA5}, 4096))
	}
	os.WriteFile(filepath.Join(damagedData, "kaohe.db"), raw, 0o600)

	th := testhq.New(t, testhq.Options{})
	h := th.Store
	plain := th.Server
	selfSigned := httptest.NewTLSServer((&server.Server{Store: h}).Handler())
	defer selfSigned.Close()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closedPort := l.Addr().String()
	l.Close()

	cases := []struct {
		name string
		args []string
		key  string // the message's own key, or its cause's
	}{
		{"restore a text file", []string{"--data", data, "restore", notDB, "--user", "D001"}, "err.db_not_database"},
		{"restore a missing file", []string{"--data", data, "restore", missing, "--user", "D001"}, ""},
		{"back up a damaged database", []string{"--data", damagedData, "backup"}, "err.db_corrupt"},
		{"sync a damaged database", []string{"--data", damagedData, "sync"}, "err.db_corrupt"},
		{"export from a damaged database", []string{"--data", damagedData, "excel", "export", "roster", "--out", filepath.Join(dir, "r.xlsx")}, "err.db_corrupt"},
		{"data folder is a file", []string{"--data", aFile, "backup"}, "err.data_dir_is_file"},
		{"data folder under a file", []string{"--data", filepath.Join(aFile, "data"), "excel", "export", "roster", "--out", filepath.Join(dir, "r.xlsx")}, "err.data_dir_is_file"},
		{"update when not enrolled", []string{"--data", data, "update"}, "err.update_not_enrolled"},
		{"import a missing workbook", []string{"--data", data, "excel", "import", "roster", missing}, "err.file_missing"},
		{"import junk as a workbook", []string{"--data", data, "excel", "import", "roster", junk}, "err.not_xlsx"},
		{"import a huge workbook", []string{"--data", data, "excel", "import", "actuals", big}, "err.xlsx_too_large"},
		{"export into a file's place", []string{"--data", data, "excel", "export", "roster", "--out", filepath.Join(aFile, "r.xlsx")}, ""},
		{"pdf onto a folder", []string{"--data", data, "pdf", "summary", "--out", dir}, ""},
		{"import junk as a bundle", []string{"--data", data, "bundle", "import", junkBundle}, ""},
		{"import a missing bundle", []string{"--data", data, "bundle", "import", missing}, "err.file_missing"},
		{"sync when not enrolled", []string{"--data", data, "sync"}, ""},
		{"enroll with a wrong code", []string{"--data", data, "enroll", "--user", "D001", "--hq", plain.URL, "--code", "WRONGCODE234"}, ""},
		{"enroll where nobody listens", []string{"--data", data, "enroll", "--user", "D001", "--hq", "http://" + closedPort, "--code", "WRONGCODE234"}, "err.offline"},
		{"enroll https to plain HTTP", []string{"--data", data, "enroll", "--user", "D001", "--hq", strings.Replace(plain.URL, "http:", "https:", 1), "--code", "WRONGCODE234"}, "err.hq_tls"},
		{"enroll to an untrusted certificate", []string{"--data", data, "enroll", "--user", "D001", "--hq", selfSigned.URL, "--code", "WRONGCODE234"}, "err.hq_tls"},
	}
	t.Setenv("KAOHE_PASSWORD", "manager-demo") // restore and enroll act as the demo's showroom manager
	for _, lang := range []kaohe.Lang{kaohe.LangZh, kaohe.LangEn} {
		for _, c := range cases {
			t.Run(string(lang)+"/"+c.name, func(t *testing.T) {
				_, _, err := runCLI(t, append([]string{"--lang", string(lang)}, c.args...)...)
				if err == nil {
					t.Fatal("no error")
				}
				var ue *cli.UsageError
				if errorsAs(err, &ue) {
					t.Fatalf("a usage error for a real fault: %v", err)
				}
				ui.SetLanguage(lang)
				msg := ui.ErrorText(err)
				if c.key != "" {
					if got := keyOf(err); got != c.key {
						t.Errorf("error %v (%s); want %s", err, got, c.key)
					}
				}
				checkLanguage(t, lang, msg, dir)
			})
		}
	}
}

// TestCLISignInRefusalsSpeakTheUsersLanguage: a write without --user, with
// --user but no password, and with a wrong password is refused in the
// user's language; the flags and the variable the refusal names are the
// command's own (its --help lists them), so following the message works.
func TestCLISignInRefusalsSpeakTheUsersLanguage(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if _, _, err := runCLI(t, "--data", data, "demo", "--today", "2026-11-27"); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "nothing.db")
	cases := []struct {
		name, cmd string
		args      []string
		password  string
		key       string
	}{
		{"no --user", "restore", []string{"restore", backup}, "manager-demo", "err.cli_needs_user"},
		{"no password", "restore", []string{"restore", backup, "--user", "D001"}, "", "err.cli_needs_password"},
		{"account add without --user", "account add", []string{"account", "add", "--name", "某人", "--employee-no", "X9"}, "manager-demo", "err.cli_needs_user"},
		{"wrong password", "restore", []string{"restore", backup, "--user", "D001"}, "not-the-password", "err.wrong_password"},
	}
	flagName := regexp.MustCompile(`--[a-z][a-z-]*`)
	for _, lang := range []kaohe.Lang{kaohe.LangZh, kaohe.LangEn} {
		for _, c := range cases {
			t.Run(string(lang)+"/"+c.name, func(t *testing.T) {
				t.Setenv("KAOHE_PASSWORD", c.password)
				_, _, err := runCLI(t, append([]string{"--lang", string(lang), "--data", data}, c.args...)...)
				if got := keyOf(err); got != c.key {
					t.Fatalf("error %v (%s); want %s", err, got, c.key)
				}
				ui.SetLanguage(lang)
				msg := ui.ErrorText(err)
				checkLanguage(t, lang, msg, dir)
				if c.key == "err.wrong_password" {
					return
				}
				if !strings.Contains(msg, "kaohe "+c.cmd) || !strings.Contains(msg, "KAOHE_PASSWORD") || !strings.Contains(msg, "--password-stdin") {
					t.Errorf("the refusal does not name the command, KAOHE_PASSWORD and --password-stdin: %s", msg)
				}
				hout, herrOut, herr := runCLI(t, append([]string{"--data", data}, append(strings.Fields(c.cmd), "--help")...)...)
				help := hout + herrOut
				if herr != nil {
					t.Fatalf("%s --help: %v", c.cmd, herr)
				}
				for _, f := range flagName.FindAllString(msg, -1) {
					if !strings.Contains(help, "-"+strings.TrimLeft(f, "-")) {
						t.Errorf("the refusal names %s, which kaohe %s does not have:\n%s", f, c.cmd, help)
					}
				}
			})
		}
	}
}

func errorsAs(err error, target **cli.UsageError) bool {
	for e := err; e != nil; {
		if u, ok := e.(*cli.UsageError); ok {
			*target = u
			return true
		}
		uw, ok := e.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		e = uw.Unwrap()
	}
	return false
}

// keyOf is the translation an error is said with.
func keyOf(err error) string {
	var ke *kaohe.Error
	if errors.As(err, &ke) {
		return ke.Key
	}
	key, _ := i18n.Below(err)
	return key
}

// checkLanguage fails on a message not wholly in lang: paths under the
// test's folder are the user's own words and taken out first.
func checkLanguage(t *testing.T, lang kaohe.Lang, msg, dir string) {
	t.Helper()
	rest := regexp.MustCompile(regexp.QuoteMeta(dir)+`[^\s（）。，：:]*`).ReplaceAllString(msg, "")
	// Command, flag and variable names are the same in every language.
	rest = regexp.MustCompile(`\bkaohe(?: [a-z][a-z-]*)*|--[a-z][a-z-]*|\bKAOHE_[A-Z_]+`).ReplaceAllString(rest, "")
	if strings.Contains(rest, "err.") || strings.Contains(rest, "<no value>") || strings.TrimSpace(rest) == "" {
		t.Errorf("%s message %q: a raw key or an empty value", lang, msg)
	}
	switch lang {
	case kaohe.LangZh:
		for _, w := range englishWord.FindAllString(rest, -1) {
			if !sameInBothLanguages[w] {
				t.Errorf("Chinese message holds English %q: %s", w, msg)
				break
			}
		}
	case kaohe.LangEn:
		for _, r := range rest {
			if r >= 0x4E00 && r <= 0x9FFF {
				t.Errorf("English message holds Chinese: %s", msg)
				break
			}
		}
	}
	t.Logf("%s: %s", lang, msg)
}
