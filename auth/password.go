package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/nextportal/portal/internal/errkind"
)

// Password rules.
const (
	MinPasswordLen = 12   // characters; shorter passwords are refused with ErrInvalid
	maxPasswordLen = 1024 // bytes; bounds the work one login attempt can cause
)

// argonParams are the argon2id cost parameters of a hash.
type argonParams struct {
	time    uint32 // passes
	memory  uint32 // KiB
	threads uint8
	keyLen  uint32
	saltLen int
}

// defaultArgon is OWASP's first recommended argon2id setting: 19 MiB, 2 passes, 1 lane.
var defaultArgon = argonParams{time: 2, memory: 19 * 1024, threads: 1, keyLen: 32, saltLen: 16}

// checkPassword refuses passwords that are too short or too long.
func checkPassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return errkind.Errorf(ErrInvalid, "password must be at least %d characters", MinPasswordLen)
	}
	if len(pw) > maxPasswordLen {
		return errkind.Errorf(ErrInvalid, "password must be at most %d bytes", maxPasswordLen)
	}
	return nil
}

// hashPassword returns the argon2id hash of pw in the PHC string format
// $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash> (unpadded standard base64).
func hashPassword(pw string, p argonParams) (string, error) {
	salt := make([]byte, p.saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, p.keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// errBadHash is a stored hash that cannot be parsed; the message never includes the hash.
var errBadHash = errors.New("malformed password hash")

// verifyPassword reports whether pw matches the PHC-format argon2id hash encoded, comparing
// in constant time. A malformed hash is an error.
func verifyPassword(encoded, pw string) (bool, error) {
	p, salt, want, err := parseHash(encoded)
	if err != nil {
		return false, err
	}
	if len(pw) > maxPasswordLen {
		return false, nil
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// parseHash reads a PHC argon2id string, refusing parameters outside sane bounds so that a
// tampered row cannot make a login burn gigabytes.
func parseHash(encoded string) (argonParams, []byte, []byte, error) {
	var p argonParams
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, nil, nil, errBadHash
	}
	if p.memory < 8 || p.memory > 256*1024 || p.time < 1 || p.time > 16 || p.threads < 1 || p.threads > 16 {
		return p, nil, nil, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, errBadHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 128 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
