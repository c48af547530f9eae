package repo

import (
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/internal/inventory"
)

// accessKeyIndex answers "whose IAM access key is this?" from an inventory snapshot.
// It uses collected metadata only: custos never calls AWS with a credential it found.
type accessKeyIndex struct {
	keys     map[string]keyOwner
	accounts map[string]bool
}

type keyOwner struct {
	account, user, userARN string
	key                    inventory.AccessKey
}

func newAccessKeyIndex(s *inventory.Snapshot) *accessKeyIndex {
	ix := &accessKeyIndex{keys: map[string]keyOwner{}, accounts: map[string]bool{}}
	if s == nil {
		return ix
	}
	for _, a := range s.Accounts {
		ix.accounts[a.ID] = true
		for _, u := range a.IAM.Users {
			for _, k := range u.AccessKeys {
				ix.keys[k.AccessKeyID] = keyOwner{account: a.ID, user: u.Name, userARN: u.ARN, key: k}
			}
		}
	}
	return ix
}

// accountFromAccessKeyID decodes the AWS account id carried in the bits of an access key
// id (AKIA/ASIA keys issued since 2019); ok is false for ids of another shape.
func accountFromAccessKeyID(id string) (string, bool) {
	if len(id) != 20 {
		return "", false
	}
	raw, err := base32.StdEncoding.DecodeString(id[4:])
	if err != nil || len(raw) < 6 {
		return "", false
	}
	var buf [8]byte
	copy(buf[2:], raw[:6])
	acct := (binary.BigEndian.Uint64(buf[:]) & 0x7fffffffff80) >> 7
	return fmt.Sprintf("%012d", acct), true
}

// correlate adjusts an AWS access key finding with what the inventory knows: an active key
// of the account becomes critical, an inactive key is lowered to medium, a key of a
// collected account that no longer exists (deleted) to low. A key of an account that was
// not collected keeps its severity.
func (ix *accessKeyIndex) correlate(f *finding.Finding, keyID string, now time.Time) {
	if ix == nil || len(ix.accounts) == 0 {
		return
	}
	if owner, ok := ix.keys[keyID]; ok {
		f.Evidence["iam_user"] = owner.user
		f.Evidence["iam_user_arn"] = owner.userARN
		f.Evidence["account"] = owner.account
		f.Evidence["access_key_status"] = owner.key.Status
		f.Resource.Account = owner.account
		if c := owner.key.CreateDate; c != nil {
			f.Evidence["access_key_created"] = c.UTC().Format(time.RFC3339)
			f.Evidence["access_key_age_days"] = int(now.Sub(*c).Hours() / 24)
		}
		lastUsed := "never"
		if u := owner.key.LastUsedDate; u != nil {
			lastUsed = u.UTC().Format(time.RFC3339)
			f.Evidence["access_key_last_used"] = lastUsed
			if owner.key.LastUsedService != "" {
				f.Evidence["access_key_last_used_service"] = owner.key.LastUsedService
			}
		}
		if strings.EqualFold(owner.key.Status, "Active") {
			f.Evidence["correlation"] = "active"
			f.Severity = finding.Critical
			f.Message += fmt.Sprintf("; it is an ACTIVE access key of IAM user %s in account %s (last used: %s)", owner.user, owner.account, lastUsed)
			return
		}
		f.Evidence["correlation"] = "inactive"
		f.Severity = finding.Medium
		f.Message += fmt.Sprintf("; it is an inactive access key of IAM user %s in account %s", owner.user, owner.account)
		return
	}
	acct, ok := accountFromAccessKeyID(keyID)
	if ok && ix.accounts[acct] {
		f.Evidence["correlation"] = "deleted"
		f.Evidence["account"] = acct
		f.Resource.Account = acct
		f.Severity = finding.Low
		f.Message += fmt.Sprintf("; account %s has no such access key any more (deleted)", acct)
		return
	}
	f.Evidence["correlation"] = "unknown-account"
}
