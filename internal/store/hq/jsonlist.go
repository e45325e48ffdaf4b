package hq

// The lists a push batch hands SQLite's json_each (ids, row keys, a run
// of replica numbers' changes), written directly: json.Marshal of a
// [][2]any per batch showed in HQ's profile. The text is what json.Marshal makes of the same strings
// for SQLite's JSON reader (quotes, backslashes and control characters
// escaped), without the HTML escapes SQLite does not need.

// numbered is a number of a replica's sequence and the change it was.
type numbered struct {
	rseq   int64
	change string
}

func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonStrings is ["a","b",…].
func jsonStrings(ss []string) string {
	b := make([]byte, 0, len(ss)*40+2)
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return string(append(b, ']'))
}

// jsonPairs is [["entity","id"],…].
func jsonPairs(ps [][2]string) string {
	b := make([]byte, 0, len(ps)*56+2)
	b = append(b, '[')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendJSONString(b, p[0])
		b = append(b, ',')
		b = appendJSONString(b, p[1])
		b = append(b, ']')
	}
	return string(append(b, ']'))
}
