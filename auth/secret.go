package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// TokenPrefix starts every API token, so that leaked tokens are easy to recognise (secret
// scanners) and static tokens are told apart without a database lookup.
const TokenPrefix = "np_"

// newSecret returns n random bytes, base64url-encoded without padding.
func newSecret(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("read random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashSecret returns the hex sha256 of a raw token or cookie value: what the store keeps.
// The secrets are 256 random bits, so a fast unsalted hash is enough.
func hashSecret(raw string) string {
	return hexDigest(sha256.Sum256([]byte(raw)))
}

// hexDigest is a SHA-256 digest as the store keeps it.
func hexDigest(sum [sha256.Size]byte) string { return hex.EncodeToString(sum[:]) }

// csrfOf returns a session's CSRF token, derived from its cookie value: HMAC-SHA256 of a
// fixed label keyed by the cookie, base64url-encoded. The store keeps only its hash (as
// it keeps the cookie's), and the token can be given again on every page without being
// stored; knowing it reveals nothing of the cookie.
func csrfOf(cookie string) string {
	m := hmac.New(sha256.New, []byte(cookie))
	m.Write([]byte("nextportal session csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
