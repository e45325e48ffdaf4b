package client

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"kaohe/sync/protocol"
)

// marshalPush is json.Marshal(req), byte for byte, written directly: with
// encoding/json, checking and compacting every payload (json.RawMessage)
// cost as much as the rest of the request. A payload that needs neither
// (the app writes them compact, and most hold no character encoding/json
// escapes) is copied as it is, unchecked (HQ reads every payload strictly,
// and the app's payloads are its own json.Marshal's); any other payload,
// and any string holding what encoding/json escapes, goes through
// encoding/json itself.
func marshalPush(req protocol.PushRequest) ([]byte, error) {
	size := 64
	for _, c := range req.Changes {
		size += len(c.Payload) + len(c.ID) + len(c.RowID) + len(c.By) + 160
	}
	b := make([]byte, 0, size)
	b = append(b, `{"version":`...)
	b = strconv.AppendInt(b, int64(req.Version), 10)
	var err error
	if req.Replica != "" {
		b = append(b, `,"replica":`...)
		b = appendString(b, req.Replica)
	}
	if req.After != "" {
		b = append(b, `,"after":`...)
		b = appendString(b, req.After)
	}
	b = append(b, `,"changes":`...)
	if req.Changes == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, c := range req.Changes {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendChange(b, c); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

func appendChange(b []byte, c protocol.Change) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = appendString(b, c.ID)
	b = append(b, `,"entity":`...)
	b = appendString(b, c.Entity)
	b = append(b, `,"row_id":`...)
	b = appendString(b, c.RowID)
	b = append(b, `,"op":`...)
	b = appendString(b, c.Op)
	b = append(b, `,"payload":`...)
	switch {
	case c.Payload == nil:
		b = append(b, "null"...)
	case plainJSON(c.Payload):
		b = append(b, c.Payload...)
	default:
		p, err := json.Marshal(c.Payload)
		if err != nil {
			return nil, err
		}
		b = append(b, p...)
	}
	b = append(b, `,"at":`...)
	b = appendString(b, c.At)
	if c.Seq != 0 {
		b = append(b, `,"seq":`...)
		b = strconv.AppendInt(b, c.Seq, 10)
	}
	if c.Version != 0 {
		b = append(b, `,"version":`...)
		b = strconv.AppendInt(b, c.Version, 10)
	}
	if c.RSeq != 0 {
		b = append(b, `,"rseq":`...)
		b = strconv.AppendInt(b, c.RSeq, 10)
	}
	if c.By != "" {
		b = append(b, `,"by":`...)
		b = appendString(b, c.By)
	}
	return append(b, '}'), nil
}

// plainJSON says whether encoding/json would write the payload unchanged:
// nothing to compact (no blank) and nothing it escapes (<, >, &, U+2028,
// U+2029). One pass with a table: bytes.IndexAny with a non-ASCII byte in
// its set decodes every rune (a fifth of the client's encoding time), and
// it never matched that byte inside valid UTF-8, so a raw U+2028 was copied
// where encoding/json escapes it.
func plainJSON(p []byte) bool {
	for i, c := range p {
		if !notPlain[c] {
			continue
		}
		// 0xE2 begins U+2028 and U+2029 (E2 80 A8, E2 80 A9), and also
		// much Chinese punctuation (——, …), which stays as it is.
		if c != 0xe2 || i+2 < len(p) && p[i+1] == 0x80 && (p[i+2] == 0xa8 || p[i+2] == 0xa9) {
			return false
		}
	}
	return true
}

// notPlain marks the bytes plainJSON looks closer at.
var notPlain = [256]bool{' ': true, '\t': true, '\r': true, '\n': true, '<': true, '>': true, '&': true, 0xe2: true}

// appendString appends s as encoding/json writes a string.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return appendStringSlow(b, s)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r == '\u2028' || r == '\u2029' {
			return appendStringSlow(b, s)
		}
		i += n
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendStringSlow(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}
