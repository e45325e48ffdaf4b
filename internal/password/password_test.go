package password

import (
	"strings"
	"testing"
)

func TestHashCheck(t *testing.T) {
	h, err := Hash("董喆-密码-2026")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("Hash = %q; want argon2id PHC form", h)
	}
	if strings.Contains(h, "董喆") {
		t.Errorf("hash contains the password")
	}
	h2, _ := Hash("董喆-密码-2026")
	if h == h2 {
		t.Errorf("two hashes of one password are equal: salt not random")
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"董喆-密码-2026", true}, {"董喆-密码-2027", false}, {"", false}, {"董喆-密码-2026 ", false}} {
		ok, err := Check(tc.pw, h)
		if err != nil || ok != tc.want {
			t.Errorf("Check(%q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
		}
	}
}

func TestCheckRefusesMalformed(t *testing.T) {
	good, _ := Hash("password1")
	parts := strings.Split(good, "$")
	for name, phc := range map[string]string{
		"empty":       "",
		"bcrypt":      "$2a$10$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz012345",
		"argon2i":     strings.Replace(good, "argon2id", "argon2i", 1),
		"huge memory": strings.Join([]string{"", "argon2id", "v=19", "m=4194304,t=2,p=1", parts[4], parts[5]}, "$"),
		"zero time":   strings.Join([]string{"", "argon2id", "v=19", "m=19456,t=0,p=1", parts[4], parts[5]}, "$"),
		"bad salt":    strings.Join([]string{"", "argon2id", "v=19", "m=19456,t=2,p=1", "!!", parts[5]}, "$"),
		"short key":   strings.Join([]string{"", "argon2id", "v=19", "m=19456,t=2,p=1", parts[4], "AAAA"}, "$"),
		"old version": strings.Replace(good, "v=19", "v=16", 1),
	} {
		if ok, err := Check("password1", phc); ok || err == nil {
			t.Errorf("%s: Check = %v, %v; want refused", name, ok, err)
		}
	}
}
