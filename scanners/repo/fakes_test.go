package repo

import (
	"crypto/rand"
	"encoding/base64"
	"math/big"
	"strings"
)

// Random fake credentials with real shapes, made fresh by each test run.

const (
	upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lower  = "abcdefghijklmnopqrstuvwxyz"
	digits = "0123456789"
)

func randString(alphabet string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b.WriteByte(alphabet[k.Int64()])
	}
	return b.String()
}

// fakeAccessKeyID is an AKIA id whose middle carries the given account id, the way real
// AWS keys do (see accountFromAccessKeyID).
func fakeAccessKeyID(account uint64) string {
	raw := make([]byte, 10)
	_, _ = rand.Read(raw)
	v := account<<7 | uint64(raw[5]&0x7f)
	for i := 5; i >= 0; i-- {
		raw[i] = byte(v)
		v >>= 8
	}
	raw[0] &= 0x7f
	return "AKIA" + encodeBase32(raw)
}

func encodeBase32(b []byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var out strings.Builder
	var buf, bits uint
	for _, c := range b {
		buf = buf<<8 | uint(c)
		bits += 8
		for bits >= 5 {
			out.WriteByte(alphabet[(buf>>(bits-5))&31])
			bits -= 5
		}
	}
	return out.String()
}

func fakeSecretAccessKey() string { return randString(upper+lower+digits+"/+", 40) }

func fakePassword() string {
	return randString(upper, 2) + randString(lower, 4) + randString(digits, 3) + "#" + randString(lower, 3)
}

func fakeGitHubToken() string { return "ghp_" + randString(upper+lower+digits, 36) }

func fakeBase64(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
