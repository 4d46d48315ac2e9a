package auth

import (
	"strings"
	"testing"
)

func TestPassword(t *testing.T) {
	h, err := HashPassword("密码 correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q: want a PHC argon2id string with m=19456,t=2,p=1", h)
	}
	h2, _ := HashPassword("密码 correct horse")
	if h == h2 {
		t.Error("two hashes of one password are equal: want a random salt")
	}
	for pw, want := range map[string]bool{"密码 correct horse": true, "密码 correct hors": false, "": false} {
		if ok, err := VerifyPassword(h, pw); ok != want || err != nil {
			t.Errorf("verify %q: got %v, %v; want %v", pw, ok, err, want)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$a2V5",
		"$argon2id$v=19$m=0,t=2,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=19456,t=2,p=1$!!$a2V5"} {
		if ok, err := VerifyPassword(bad, "x"); ok || err == nil {
			t.Errorf("verify against %q: got %v, %v; want false and an error", bad, ok, err)
		}
	}
	if p := GeneratePassword(); len(p) != 16 || CheckPassword(p) != nil || p == GeneratePassword() {
		t.Errorf("generated %q: want 16 random characters that pass CheckPassword", p)
	}
}
