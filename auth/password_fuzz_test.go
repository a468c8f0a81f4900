package auth

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

// fuzzArgon is a cheap argon2id setting, so FuzzParseHash can hash.
var fuzzArgon = argonParams{time: 1, memory: 8, threads: 1, keyLen: 16, saltLen: 8}

// FuzzParseHash parses stored password hashes (PHC strings): a hash parses only with its
// cost parameters inside the bounds that keep one login cheap, and the PHC string of what
// it parsed to parses back to the same parameters, salt and key.
func FuzzParseHash(f *testing.F) {
	good, err := hashPassword("correct horse battery", fuzzArgon)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		good,
		"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=4294967295,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=19456,t=0,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=19456,t=2,p=300$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=-1,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=18$m=19456,t=2,p=1$c2FsdA$a2V5",
		"$argon2id$v=19$m=19456,t=2,p=1$$",
		"$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, encoded string) {
		p, salt, key, err := parseHash(encoded)
		if err != nil {
			if err != errBadHash {
				t.Fatalf("parseHash(%q): %v, want errBadHash", encoded, err)
			}
			return
		}
		if p.memory < 8 || p.memory > 256*1024 || p.time < 1 || p.time > 16 || p.threads < 1 || p.threads > 16 ||
			len(salt) < 8 || len(key) < 16 || len(key) > 128 {
			t.Fatalf("parseHash(%q) = %+v, salt %d, key %d bytes: out of bounds", encoded, p, len(salt), len(key))
		}
		if !strings.HasPrefix(encoded, "$argon2id$") {
			t.Fatalf("parseHash(%q) accepted a hash of another algorithm", encoded)
		}
		again := fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
			rawB64(salt), rawB64(key))
		p2, salt2, key2, err := parseHash(again)
		if err != nil || p2 != p || !bytes.Equal(salt2, salt) || !bytes.Equal(key2, key) {
			t.Fatalf("parseHash(%q) = %+v; its PHC form %q parses as %+v, %v", encoded, p, again, p2, err)
		}
	})
}

func rawB64(b []byte) string { return base64.RawStdEncoding.EncodeToString(b) }
