package kaohe

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// checkKeySpelling refuses, in JSON encoding/json has decoded into a value
// of type t, an object key that is not its field's name exactly spelt:
// encoding/json puts "EMPLOYEE_NO", "employee_nO" or "ſtatus" into the
// field employee_no or status, so the rules judge that value, while
// SQLite's json_extract reads the stored payload by the exact name and
// finds nothing. Keys are followed into nested structs, slices and maps
// by the field's type; a type that decodes itself is its own judge.
// Called only after CheckJSON and encoding/json have accepted data (so
// its syntax is sound); one pass over the bytes, without allocating for
// plain keys. The quick path compares names byte by byte already.
func checkKeySpelling(data []byte, t reflect.Type) error {
	w := keyWalk{data: data}
	w.space()
	return w.value(t)
}

type keyWalk struct {
	data []byte
	i    int
}

func (w *keyWalk) space() {
	for w.i < len(w.data) {
		switch w.data[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

// value walks the value at w.i as one of type t (nil: skip it).
func (w *keyWalk) value(t reflect.Type) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (decodesItself(t) || !hasNames(t)) {
		t = nil
	}
	if w.i >= len(w.data) {
		return nil
	}
	switch w.data[w.i] {
	case '{':
		return w.object(t)
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		w.i++
		for {
			w.space()
			if w.i < len(w.data) && w.data[w.i] == ']' {
				w.i++
				return nil
			}
			if err := w.value(elem); err != nil {
				return err
			}
			w.space()
			if w.i < len(w.data) && w.data[w.i] == ',' {
				w.i++
			}
			if w.i >= len(w.data) {
				return nil
			}
		}
	case '"':
		w.str()
	default:
		for w.i < len(w.data) {
			switch w.data[w.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return nil
			}
			w.i++
		}
	}
	return nil
}

func (w *keyWalk) object(t reflect.Type) error {
	var fields *structFields
	var elem reflect.Type
	if t != nil {
		switch t.Kind() {
		case reflect.Struct:
			fields = fieldsOf(t)
		case reflect.Map:
			elem = t.Elem() // the keys are data, not names
		}
	}
	w.i++
	for {
		w.space()
		if w.i >= len(w.data) || w.data[w.i] == '}' {
			w.i++
			return nil
		}
		start, end, plain := w.str()
		w.space()
		w.i++ // :
		w.space()
		ft := elem
		if fields != nil {
			raw := w.data[start:end]
			key := ""
			if !plain { // "\u0065mployee_no" is employee_no, to SQLite too
				json.Unmarshal(w.data[start-1:end+1], &key)
				raw = []byte(key)
			}
			var ok bool
			if ft, ok = fields.byName[string(raw)]; !ok { // no allocation for the lookup
				key = string(raw)
				for _, name := range fields.names {
					if strings.EqualFold(name, key) {
						return Errorf(EINVALID, "err.json_key_spelling", "Key", key, "Want", name)
					}
				}
			}
		}
		if err := w.value(ft); err != nil {
			return err
		}
		w.space()
		if w.i < len(w.data) && w.data[w.i] == ',' {
			w.i++
		}
	}
}

// str reads a string at w.i: the bounds of its text between the quotes,
// and whether it holds no escape.
func (w *keyWalk) str() (start, end int, plain bool) {
	w.i++ // "
	start, plain = w.i, true
	for w.i < len(w.data) {
		switch w.data[w.i] {
		case '\\':
			plain = false
			w.i += 2
			continue
		case '"':
			end = w.i
			w.i++
			return start, end, plain
		}
		w.i++
	}
	return start, len(w.data), plain
}

type structFields struct {
	byName map[string]reflect.Type
	names  []string
}

var (
	structFieldsCache sync.Map // reflect.Type -> *structFields
	hasNamesCache     sync.Map // reflect.Type -> bool
)

// hasNames reports whether a value of type t can hold an object key that
// names a field (a struct, or one inside a slice, array, map or pointer):
// the rest (Scores, strings, numbers) is skipped unread.
func hasNames(t reflect.Type) bool {
	if v, ok := hasNamesCache.Load(t); ok {
		return v.(bool)
	}
	hasNamesCache.Store(t, true) // a recursive type: assume so while looking
	v := false
	switch t.Kind() {
	case reflect.Struct:
		v = true
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		v = hasNames(t.Elem())
	}
	hasNamesCache.Store(t, v)
	return v
}

// fieldsOf returns the JSON names of struct type t's fields, those of
// untagged embedded structs promoted as encoding/json promotes them.
func fieldsOf(t reflect.Type) *structFields {
	if f, ok := structFieldsCache.Load(t); ok {
		return f.(*structFields)
	}
	f := &structFields{byName: map[string]reflect.Type{}}
	addFields(f, t, 0)
	structFieldsCache.Store(t, f)
	return f
}

func addFields(f *structFields, t reflect.Type, depth int) {
	if depth > 8 {
		return
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				addFields(f, et, depth+1)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if _, dup := f.byName[name]; !dup {
			f.byName[name] = sf.Type
			f.names = append(f.names, name)
		}
	}
}
