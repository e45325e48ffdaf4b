package kaohe

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// fastDecode is DecodeStrict's quick way for the common payload: an object
// of a struct's fields spelt exactly as tagged, holding plain strings (no
// escapes), numbers, booleans or null, or an object of a nested struct's
// fields so (a Date), or of numbers (an assessment's Scores). It checks, in its one pass,
// what CheckJSON would refuse in such an object (a key twice, a control,
// bidi or C1 character, invalid UTF-8, a number outside JSON's grammar),
// and returns true only when CheckJSON would pass the payload and its
// result is the one encoding/json (with unknown fields disallowed) gives;
// anything else — a key spelt otherwise or unknown, an escape, a number
// the field cannot hold, a nested value, a field type with its own
// decoding, anything CheckJSON refuses — returns false with v set back to
// zero, and DecodeStrict checks and decodes it with CheckJSON and
// encoding/json as before, which decide and word every refusal. Most of a
// sync's payloads (actuals, attendance, assessments) take this way:
// encoding/json spent about four times as long on them (an assessment,
// its scores and day in objects, ten times), on HQ's path of every change,
// and CheckJSON's pass before this one cost twice this one.
func fastDecode(data []byte, v any) bool {
	if fastDecodeOff.Load() {
		return false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return false
	}
	st := rv.Elem()
	p := planOf(st.Type())
	if p == nil {
		return false
	}
	if !p.decode(data, st) {
		st.SetZero()
		return false
	}
	return true
}

// fastDecodeOff turns the quick way off (tests compare both ways; atomic,
// so a test running beside them reads it safely).
var fastDecodeOff atomic.Bool

type fastKind uint8

const (
	fastString fastKind = iota + 1
	fastInt
	fastFloat
	fastBool
	fastStruct   // a struct of its own plan (sub), not a pointer
	fastFloatMap // a map of strings to float64s (Scores), not a pointer
)

type fastField struct {
	name  string
	index int
	kind  fastKind
	ptr   bool // a pointer to the kind: null sets it nil, a value allocates
	sub   *fastPlan
}

type fastPlan struct {
	fields []fastField // at most 64: each one's bit marks it seen
}

var fastPlans sync.Map // reflect.Type -> *fastPlan (nil: not eligible)

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// planOf returns how to decode struct type t quickly, or nil when any of
// its fields is beyond the quick way.
func planOf(t reflect.Type) *fastPlan {
	if p, ok := fastPlans.Load(t); ok {
		return p.(*fastPlan)
	}
	p := makePlan(t)
	fastPlans.Store(t, p)
	return p
}

func makePlan(t reflect.Type) *fastPlan {
	if decodesItself(t) {
		return nil
	}
	p := &fastPlan{}
	seen := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return nil // embedded: encoding/json's promotion rules
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		if !f.IsExported() {
			if tag != "" {
				return nil
			}
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		for _, o := range strings.Split(opts, ",") {
			if o == "string" {
				return nil
			}
		}
		if name == "" {
			name = f.Name
		}
		folded := strings.ToLower(name)
		if !plainName(name) || seen[folded] {
			return nil // an unusual name, or names one fold apart: encoding/json's rules
		}
		seen[folded] = true
		ff := fastField{name: name, index: i}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ff.ptr, ft = true, ft.Elem()
		}
		if decodesItself(ft) {
			return nil
		}
		switch ft.Kind() {
		case reflect.String:
			ff.kind = fastString
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			ff.kind = fastInt
		case reflect.Float64:
			ff.kind = fastFloat
		case reflect.Bool:
			ff.kind = fastBool
		case reflect.Struct:
			// A day (Date) in an assessment, say: an object of its own
			// fields, read by its own plan.
			if ff.ptr {
				return nil
			}
			if ff.sub = planOf(ft); ff.sub == nil {
				return nil
			}
			ff.kind = fastStruct
		case reflect.Map:
			// An assessment's scores.
			if ff.ptr || ft.Key().Kind() != reflect.String || ft.Elem().Kind() != reflect.Float64 ||
				decodesItself(ft.Key()) || decodesItself(ft.Elem()) {
				return nil
			}
			ff.kind = fastFloatMap
		default:
			return nil
		}
		p.fields = append(p.fields, ff)
	}
	if len(p.fields) > 64 {
		return nil
	}
	return p
}

// decodesItself: a type encoding/json hands the value to (its own
// UnmarshalJSON or, for strings, UnmarshalText).
func decodesItself(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t.Implements(jsonUnmarshaler) || pt.Implements(jsonUnmarshaler) ||
		t.Implements(textUnmarshaler) || pt.Implements(textUnmarshaler)
}

// plainName: ASCII letters, digits and _ only, so that a key compared
// byte by byte is the field's name exactly.
func plainName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// decode fills st from data, or returns false (st then partly filled).
func (p *fastPlan) decode(data []byte, st reflect.Value) bool {
	d := fastScan{data: data}
	d.space()
	if !p.object(&d, st, 1) {
		return false
	}
	d.space()
	return d.i == len(d.data)
}

// object reads the object at d.i into st, at nesting depth (1: the
// payload).
func (p *fastPlan) object(d *fastScan, st reflect.Value, depth int) bool {
	if depth > MaxJSONDepth || !d.byte('{') {
		return false
	}
	d.space()
	if d.byte('}') {
		return true
	}
	var seen uint64
	for {
		d.space()
		key, ok := d.plainString()
		if !ok {
			return false
		}
		var f *fastField
		for i := range p.fields {
			if p.fields[i].name == string(key) { // no allocation
				if seen&(1<<i) != 0 {
					return false // a key twice: CheckJSON words the refusal
				}
				seen |= 1 << i
				f = &p.fields[i]
				break
			}
		}
		if f == nil {
			return false // spelt otherwise, or unknown: encoding/json says which
		}
		d.space()
		if !d.byte(':') {
			return false
		}
		d.space()
		if !d.value(f, st.Field(f.index), depth) {
			return false
		}
		d.space()
		if d.byte(',') {
			continue
		}
		return d.byte('}')
	}
}

// floatMap reads the object at d.i into the map fv (nil before: a new
// one, as encoding/json makes), its keys plain strings CheckJSON passes,
// none twice in any case, its values numbers.
func (d *fastScan) floatMap(fv reflect.Value) bool {
	d.i++ // {
	m := reflect.MakeMap(fv.Type())
	kt, et := fv.Type().Key(), fv.Type().Elem()
	var buf [16][]byte
	keys := buf[:0]
	d.space()
	if d.byte('}') {
		fv.Set(m)
		return true
	}
	for {
		d.space()
		key, ok := d.plainString()
		if !ok {
			return false
		}
		for _, k := range keys {
			if bytes.EqualFold(k, key) {
				return false // a key twice: CheckJSON words the refusal
			}
		}
		keys = append(keys, key)
		d.space()
		if !d.byte(':') {
			return false
		}
		d.space()
		lit := d.literal()
		if !jsonLiteral(lit) || lit[0] != '-' && (lit[0] < '0' || lit[0] > '9') {
			return false // null, true, false, or no number
		}
		n, err := strconv.ParseFloat(string(lit), 64)
		if err != nil {
			return false
		}
		m.SetMapIndex(reflect.ValueOf(string(key)).Convert(kt), reflect.ValueOf(n).Convert(et))
		d.space()
		if d.byte(',') {
			continue
		}
		if !d.byte('}') {
			return false
		}
		fv.Set(m)
		return true
	}
}

type fastScan struct {
	data []byte
	i    int
}

func (d *fastScan) space() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *fastScan) byte(c byte) bool {
	if d.i < len(d.data) && d.data[d.i] == c {
		d.i++
		return true
	}
	return false
}

// plainString reads a string without escapes whose bytes are its text as
// CheckJSON passes it (valid UTF-8, no control, DEL, C1 or bidi
// character: jsonScan.str); false for any other value.
func (d *fastScan) plainString() ([]byte, bool) {
	if !d.byte('"') {
		return nil, false
	}
	start := d.i
	for d.i < len(d.data) {
		c := d.data[d.i]
		switch {
		case c >= 0x20 && c < 0x7f && c != '"' && c != '\\':
			d.i++ // the common case first
		case c == '"':
			d.i++
			return d.data[start : d.i-1], true
		case c < 0x80:
			return nil, false // an escape, a control character, DEL
		default:
			r, n := utf8.DecodeRune(d.data[d.i:])
			if r == utf8.RuneError && n <= 1 || badRune(r) {
				return nil, false
			}
			d.i += n
		}
	}
	return nil, false
}

// literal reads a number, true, false or null as its bytes.
func (d *fastScan) literal() []byte {
	start := d.i
	for d.i < len(d.data) {
		c := d.data[d.i]
		if c == '-' || c == '+' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == 'E' {
			d.i++
			continue
		}
		break
	}
	return d.data[start:d.i]
}

// value reads the field's value into fv as encoding/json would, or
// returns false.
func (d *fastScan) value(f *fastField, fv reflect.Value, depth int) bool {
	if d.i >= len(d.data) {
		return false
	}
	if d.data[d.i] == '{' {
		switch f.kind {
		case fastStruct:
			return f.sub.object(d, fv, depth+1)
		case fastFloatMap:
			return depth+1 <= MaxJSONDepth && d.floatMap(fv)
		}
		return false
	}
	if d.data[d.i] == '"' {
		if f.kind != fastString {
			return false
		}
		s, ok := d.plainString()
		if !ok {
			return false
		}
		if f.ptr {
			fv.Set(reflect.New(fv.Type().Elem()))
			fv = fv.Elem()
		}
		fv.SetString(string(s))
		return true
	}
	lit := d.literal()
	if !jsonLiteral(lit) {
		return false // CheckJSON refuses it
	}
	if string(lit) == "null" {
		if f.ptr || f.kind == fastFloatMap {
			fv.SetZero() // encoding/json sets a pointer or a map to nil, leaves others
		}
		return true
	}
	if len(lit) == 0 {
		return false // an object or array
	}
	if f.ptr {
		elem := reflect.New(fv.Type().Elem())
		if !setLiteral(f.kind, lit, elem.Elem()) {
			return false
		}
		fv.Set(elem)
		return true
	}
	return setLiteral(f.kind, lit, fv)
}

// jsonLiteral says whether lit is a literal or a number by JSON's grammar,
// as jsonScan.number reads one: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func jsonLiteral(lit []byte) bool {
	switch string(lit) {
	case "null", "true", "false":
		return true
	}
	s := jsonScan{data: lit}
	if len(lit) == 0 || lit[0] != '-' && (lit[0] < '0' || lit[0] > '9') {
		return false
	}
	return s.number() == nil && s.i == len(lit)
}

// setLiteral stores a number or boolean as encoding/json does: an integer
// field takes only an integer in its range, a float64 any number in range.
func setLiteral(k fastKind, lit []byte, fv reflect.Value) bool {
	switch k {
	case fastInt:
		for i, c := range lit {
			if !(c >= '0' && c <= '9' || c == '-' && i == 0) {
				return false
			}
		}
		n, err := strconv.ParseInt(string(lit), 10, 64)
		if err != nil || fv.OverflowInt(n) {
			return false
		}
		fv.SetInt(n)
		return true
	case fastFloat:
		if c := lit[0]; c != '-' && (c < '0' || c > '9') {
			return false // true, false
		}
		n, err := strconv.ParseFloat(string(lit), 64)
		if err != nil {
			return false
		}
		fv.SetFloat(n)
		return true
	case fastBool:
		switch string(lit) {
		case "true":
			fv.SetBool(true)
			return true
		case "false":
			fv.SetBool(false)
			return true
		}
	}
	return false
}
