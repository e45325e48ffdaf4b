package kaohe

import (
	"bytes"
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
// Called only after encoding/json has accepted data (the quick path
// compares names byte by byte already).
func checkKeySpelling(data []byte, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if decodesItself(t) {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		fields := fieldsOf(t)
		return eachMember(data, func(k string, v json.RawMessage) error {
			ft, ok := fields.byName[k]
			if !ok {
				for _, name := range fields.names {
					if strings.EqualFold(name, k) || bytes.EqualFold([]byte(name), []byte(k)) {
						return Errorf(EINVALID, "err.json_key_spelling", "Key", k, "Want", name)
					}
				}
				return nil // encoding/json accepted it: a field it knows otherwise
			}
			return checkKeySpelling(v, ft)
		})
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil // bytes: a base64 string
		}
		var elems []json.RawMessage
		if json.Unmarshal(data, &elems) != nil {
			return nil
		}
		for _, e := range elems {
			if err := checkKeySpelling(e, t.Elem()); err != nil {
				return err
			}
		}
	case reflect.Map:
		return eachMember(data, func(_ string, v json.RawMessage) error { // the keys are data, not names
			return checkKeySpelling(v, t.Elem())
		})
	}
	return nil
}

// eachMember calls f with each member of the JSON object data in the
// order written (the first wrong key is the one named); nothing when data
// is not an object (null: encoding/json judged it).
func eachMember(data []byte, f func(key string, value json.RawMessage) error) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return nil
		}
		if err := f(key, v); err != nil {
			return err
		}
	}
	return nil
}

type structFields struct {
	byName map[string]reflect.Type
	names  []string
}

var structFieldsCache sync.Map // reflect.Type -> *structFields

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
