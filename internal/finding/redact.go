package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"unicode/utf8"
)

// Redacted is the only form in which a found secret may leave a scanner: a few leading
// characters and a short hash of the whole, so two reports can be compared without
// either showing the secret.
type Redacted string

// Redact keeps at most four leading characters (none of a value shorter than 12) and
// appends the first 8 hex digits of the value's SHA-256.
func Redact(secret string) Redacted {
	sum := sha256.Sum256([]byte(secret))
	keep := 0
	if utf8.RuneCountInString(secret) >= 12 {
		keep = 4
	}
	prefix := []rune(secret)[:keep]
	return Redacted(string(prefix) + "…(sha256:" + hex.EncodeToString(sum[:])[:8] + ")")
}
