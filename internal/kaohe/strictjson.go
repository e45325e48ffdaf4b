package kaohe

import (
	"bytes"
	"encoding/json"
	"reflect"
	"unicode/utf8"
)

// MaxJSONDepth is how deeply objects and arrays may nest in anything
// accepted from outside; no row of the domain needs more than a few levels.
const MaxJSONDepth = 16

// maxOpaqueDepth bounds the nesting of a value CheckEnvelope checks for
// syntax only (counted from that value; encoding/json's own limit): it is
// judged strictly on its own later, so one too deep is refused alone, but
// the scan is recursive and a body of brackets alone would otherwise
// exhaust the goroutine's stack and kill the process. At this depth the
// scan's stack is about 1.5 MB.
const maxOpaqueDepth = 10_000

// DecodeStrict decodes JSON received from outside into v, refusing what
// two readers could understand differently or a screen could show falsely:
// duplicate keys, in any case (Go keeps the last, matching keys to fields
// case-insensitively; SQLite's json_extract the first, exactly spelt),
// fields v does not have, invalid UTF-8, NUL and other control characters,
// bidirectional-override characters, nesting deeper than MaxJSONDepth,
// anything after the value, and a key spelt otherwise than its field
// (checkKeySpelling: "EMPLOYEE_NO" for employee_no, which Go reads and
// json_extract does not). Every accepting edge decodes with it.
func DecodeStrict(data []byte, v any) error {
	if fastDecode(data, v) { // checks what CheckJSON checks, in its pass
		return nil
	}
	if err := CheckJSON(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return Errorf(EINVALID, "err.bad_payload", "Entity", "", "Detail", err.Error())
	}
	return checkKeySpelling(data, reflect.TypeOf(v))
}

// CheckJSON checks JSON text for DecodeStrict's refusals without decoding
// it: one pass over the bytes.
func CheckJSON(data []byte) error { return CheckEnvelope(data, "") }

type jsonScan struct {
	data    []byte
	i       int
	opaque  string // values under this key are checked for syntax only
	lenient int    // > 0 inside such a value
	base    int    // the depth of the object holding the outermost such value
}

// CheckEnvelope is CheckJSON for a request that carries other JSON under
// the key opaque (a push's "payload"): those values are checked for syntax
// only here, and each strictly on its own later, so one bad payload is
// refused alone instead of failing the whole request.
func CheckEnvelope(data []byte, opaque string) error {
	s := jsonScan{data: data, opaque: opaque}
	s.space()
	if err := s.value(0); err != nil {
		return err
	}
	s.space()
	if s.i != len(s.data) {
		return s.syntax()
	}
	return nil
}

func (s *jsonScan) syntax() error {
	return Errorf(EINVALID, "err.bad_payload", "Entity", "", "Detail", "syntax at byte "+itoa(s.i))
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

func (s *jsonScan) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *jsonScan) value(depth int) error {
	if s.i >= len(s.data) {
		return s.syntax()
	}
	switch c := s.data[s.i]; {
	case c == '{':
		return s.object(depth + 1)
	case c == '[':
		return s.array(depth + 1)
	case c == '"':
		_, err := s.str()
		return err
	case c == 't':
		return s.word("true")
	case c == 'f':
		return s.word("false")
	case c == 'n':
		return s.word("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	}
	return s.syntax()
}

func (s *jsonScan) word(w string) error {
	if !bytes.HasPrefix(s.data[s.i:], []byte(w)) {
		return s.syntax()
	}
	s.i += len(w)
	return nil
}

// number reads a number by JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *jsonScan) number() error {
	d := s.data
	i := s.i
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		s.i = i
		return s.syntax()
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.i = i
			return s.syntax()
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.i = i
			return s.syntax()
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	s.i = i
	return nil
}

// tooDeep refuses nesting beyond MaxJSONDepth, or beyond maxOpaqueDepth
// inside an opaque value.
func (s *jsonScan) tooDeep(depth int) error {
	if depth > MaxJSONDepth && (s.lenient == 0 || depth-s.base > maxOpaqueDepth) {
		return Errorf(EINVALID, "err.json_too_deep", "Max", MaxJSONDepth)
	}
	return nil
}

func (s *jsonScan) object(depth int) error {
	if err := s.tooDeep(depth); err != nil {
		return err
	}
	s.i++ // {
	s.space()
	if s.i < len(s.data) && s.data[s.i] == '}' {
		s.i++
		return nil
	}
	var buf [24][]byte // objects are small: a slice beats a map
	seen := buf[:0]
	for {
		s.space()
		if s.i >= len(s.data) || s.data[s.i] != '"' {
			return s.syntax()
		}
		k, err := s.str()
		if err != nil {
			return err
		}
		if s.lenient == 0 {
			// Compared folded: encoding/json puts "id" and "ID" (or "ſ"
			// for "s") into one field, the last winning, while SQLite's
			// json_extract reads the first exactly spelt.
			for _, prev := range seen {
				if bytes.EqualFold(prev, k) {
					return Errorf(EINVALID, "err.json_duplicate_key", "Key", string(k))
				}
			}
			seen = append(seen, k)
		}
		s.space()
		if s.i >= len(s.data) || s.data[s.i] != ':' {
			return s.syntax()
		}
		s.i++
		s.space()
		skip := s.opaque != "" && string(k) == s.opaque
		if skip {
			if s.lenient == 0 {
				s.base = depth
			}
			s.lenient++
		}
		err = s.value(depth)
		if skip {
			s.lenient--
		}
		if err != nil {
			return err
		}
		s.space()
		if s.i >= len(s.data) {
			return s.syntax()
		}
		switch s.data[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			return nil
		default:
			return s.syntax()
		}
	}
}

func (s *jsonScan) array(depth int) error {
	if err := s.tooDeep(depth); err != nil {
		return err
	}
	s.i++ // [
	s.space()
	if s.i < len(s.data) && s.data[s.i] == ']' {
		s.i++
		return nil
	}
	for {
		s.space()
		if err := s.value(depth); err != nil {
			return err
		}
		s.space()
		if s.i >= len(s.data) {
			return s.syntax()
		}
		switch s.data[s.i] {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return s.syntax()
		}
	}
}

// str reads a string and returns its text as decoded, checked for what
// DecodeStrict refuses. Keys are compared decoded ("a" and "\u0061" are
// the same key). A string without escapes is returned as a slice of the
// input, not copied.
func (s *jsonScan) str() ([]byte, error) {
	s.i++ // opening quote
	start := s.i
	plain := true
	d := s.data
	for s.i < len(d) {
		c := d[s.i]
		switch {
		case c >= 0x20 && c < 0x7f && c != '"' && c != '\\':
			s.i++ // the common case first
		case c == '"':
			raw := d[start:s.i]
			s.i++
			if plain {
				return raw, nil
			}
			var out string
			if err := json.Unmarshal(d[start-1:s.i], &out); err != nil {
				return nil, s.syntax()
			}
			if s.lenient > 0 {
				return []byte(out), nil
			}
			return []byte(out), checkText(out)
		case c == '\\':
			plain = false
			s.i += 2
		case c < 0x20:
			return nil, Errorf(EINVALID, "err.json_bad_text", "Detail", "control character")
		case c == 0x7f:
			if s.lenient > 0 {
				s.i++
				continue
			}
			return nil, Errorf(EINVALID, "err.json_bad_text", "Detail", "control character")
		case s.lenient > 0:
			s.i++ // checked with its payload
		default:
			r, n := utf8.DecodeRune(d[s.i:])
			if r == utf8.RuneError && n <= 1 {
				return nil, Errorf(EINVALID, "err.json_bad_text", "Detail", "invalid UTF-8")
			}
			if badRune(r) {
				return nil, Errorf(EINVALID, "err.json_bad_text", "Detail", "U+"+hex4(r))
			}
			s.i += n
		}
	}
	return nil, s.syntax()
}

// checkText refuses in decoded text what str refuses in raw text: escapes
// can spell control characters, bidi overrides and lone surrogates too.
func checkText(t string) error {
	for _, r := range t {
		if (r < 0x20 && r != '\n' && r != '\t' && r != '\r') || badRune(r) || r == utf8.RuneError {
			return Errorf(EINVALID, "err.json_bad_text", "Detail", "U+"+hex4(r))
		}
	}
	return nil
}

// badRune reports characters no text of the domain may hold: C1 controls,
// the bidirectional embeddings, overrides and isolates, and DEL.
func badRune(r rune) bool {
	return r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200e || r == 0x200f || r == 0x061c
}

func hex4(r rune) string {
	const digits = "0123456789ABCDEF"
	b := []byte{'0', '0', '0', '0'}
	for i := 3; i >= 0 && r > 0; i-- {
		b[i] = digits[r&0xf]
		r >>= 4
	}
	return string(b)
}
