// Package i18n looks up the project's translations (assets/i18n) for
// programs without a window: the HQ server and its admin commands. The
// window uses Fyne's lang package over the same files for its labels, and
// Error here for its messages, so both say a failure the same way.
package i18n

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"text/template"

	"kaohe/assets"
	"kaohe/internal/kaohe"
)

var (
	once   sync.Once
	tables map[kaohe.Lang]map[string]string
)

func load() {
	tables = map[kaohe.Lang]map[string]string{}
	for _, l := range []kaohe.Lang{kaohe.LangZh, kaohe.LangEn} {
		b, err := assets.TranslationsFor(string(l))
		if err != nil {
			continue
		}
		m := map[string]string{}
		json.Unmarshal(b, &m)
		tables[l] = m
	}
}

// Text returns key's text in lang, filled from args.
func Text(lang kaohe.Lang, key string, args map[string]any) string {
	once.Do(load)
	src, ok := tables[lang][key]
	if !ok {
		return key
	}
	t, err := template.New(key).Parse(src)
	if err != nil {
		return src
	}
	var b strings.Builder
	if err := t.Execute(&b, args); err != nil {
		return src
	}
	return b.String()
}

// Error says what went wrong in lang, naming the field at fault.
func Error(lang kaohe.Lang, err error) string {
	// Several problems of one input (kaohe.Problems): one line each.
	if many, ok := err.(interface{ Unwrap() []error }); ok {
		lines := make([]string, 0, len(many.Unwrap()))
		for _, inner := range many.Unwrap() {
			lines = append(lines, Error(lang, inner))
		}
		return strings.Join(lines, "\n")
	}
	var e *kaohe.Error
	if !errors.As(err, &e) {
		if key, args := Below(err); key != "" {
			return Text(lang, key, args)
		}
		return Text(lang, "err.internal", map[string]any{"Detail": err.Error()})
	}
	args := e.Args
	cloned := false
	for k, v := range e.Args {
		if inner, ok := v.(error); ok {
			if !cloned { // once: every error argument is said in lang
				args, cloned = maps.Clone(e.Args), true
			}
			args[k] = Error(lang, inner)
		}
	}
	msg := Text(lang, e.Key, args)
	if e.Field != "" {
		if label := Text(lang, "field."+e.Field, nil); label != "field."+e.Field {
			return Text(lang, "err.prefix.field", map[string]any{"Field": label, "Message": msg})
		}
	}
	return msg
}

// Refusal says in lang why a change was refused, from the refusal's text
// as a push result carries it: "key [field] (Name=value, …)".
func Refusal(lang kaohe.Lang, message string) string {
	key, rest, _ := strings.Cut(message, " ")
	once.Do(load)
	if _, ok := tables[lang][key]; !ok {
		return message
	}
	e := &kaohe.Error{Key: key}
	if f, r, ok := strings.Cut(rest, "] "); ok && strings.HasPrefix(f, "[") {
		e.Field, rest = strings.TrimPrefix(f, "["), r
	} else if strings.HasPrefix(rest, "[") && strings.HasSuffix(rest, "]") {
		e.Field, rest = strings.Trim(rest, "[]"), ""
	}
	if strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")") {
		e.Args = map[string]any{}
		for _, kv := range strings.Split(rest[1:len(rest)-1], ", ") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				e.Args[k] = v
			}
		}
	}
	return Error(lang, e)
}

// Below names a fault from under the program (SQLite, the file system, TLS,
// the network, excelize) by the translation that says it with what to do,
// and its arguments; "" if it is none of those known.
func Below(err error) (string, map[string]any) {
	var pe *fs.PathError
	path := ""
	if errors.As(err, &pe) {
		path = pe.Path
	}
	var le *os.LinkError
	if path == "" && errors.As(err, &le) {
		path = le.Old
	}
	msg := strings.ToLower(err.Error())
	has := func(parts ...string) bool {
		for _, p := range parts {
			if strings.Contains(msg, p) {
				return true
			}
		}
		return false
	}
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var record tls.RecordHeaderError
	var dns *net.DNSError
	var netErr net.Error
	p := map[string]any{"Path": path}
	switch {
	// TLS first: its errors also travel inside network errors.
	case errors.As(err, &unknownCA) || has("certificate signed by unknown authority"):
		return "err.tls_untrusted", nil
	case errors.As(err, &hostErr) || has("certificate is valid for", "certificate is not valid for any names"):
		return "err.tls_name", nil
	case errors.As(err, &invalid) || has("certificate has expired", "x509:"):
		return "err.tls_invalid", nil
	case errors.As(err, &record) || has("server gave http response to https client", "first record does not look like a tls handshake"):
		return "err.tls_not_https", nil
	case has("tls:"):
		return "err.tls_failed", nil
	case errors.As(err, &dns):
		return "err.net_unknown_host", map[string]any{"Host": dns.Name}
	case errors.Is(err, syscall.ECONNREFUSED) || has("connection refused", "actively refused"):
		return "err.net_refused", nil
	case has("network is unreachable", "no route to host"):
		return "err.net_unreachable", nil
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()):
		return "err.net_timeout", nil
	case has("connection reset", "broken pipe", "forcibly closed"):
		return "err.net_broken", nil
	}
	switch {
	case has("file is not a database", "file is encrypted or is not a database"):
		return "err.db_not_database", p
	case has("database disk image is malformed", "malformed database schema"):
		return "err.db_corrupt", p
	case has("attempt to write a readonly database", "readonly database"):
		return "err.db_readonly", p
	case has("database is locked", "database table is locked"):
		return "err.db_locked", p
	case errors.Is(err, syscall.ENOSPC) || has("database or disk is full", "no space left on device", "there is not enough space on the disk"):
		return "err.disk_full", p
	case has("disk i/o error"):
		return "err.disk_io", p
	case has("unable to open database file"):
		return "err.db_cant_open", p
	case errors.Is(err, fs.ErrNotExist) && path != "":
		return "err.file_missing", p
	case errors.Is(err, fs.ErrPermission) && path != "":
		return "err.file_denied", p
	case errors.Is(err, syscall.EROFS) || has("read-only file system"):
		return "err.fs_readonly", p
	case has("is a directory"):
		return "err.fs_is_dir", p
	case errors.Is(err, syscall.ENOTDIR) || has("not a directory"):
		return "err.fs_not_dir", p
	case le != nil && (errors.Is(err, fs.ErrExist) || has("file exists")):
		return "err.fs_is_dir", map[string]any{"Path": le.New}
	case has("being used by another process", "sharing violation"):
		return "err.file_in_use", p
	case has("zip: not a valid zip file", "unzip size exceeds", "xml syntax error"):
		return "err.not_xlsx", nil
	}
	return "", nil
}
