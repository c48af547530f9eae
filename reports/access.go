package reports

import (
	"sort"

	"github.com/custos-dev/custos/internal/exposure"
)

// accessSummary is the effective-access part of the JSON and HTML reports: who can read
// each secret, how many secrets each principal can read (blast radius), and what each
// key protects. The paths behind each verdict (via) stay in 'custos access', so a report
// of a large account stays proportionate.
type accessSummary struct {
	Secrets    []secretReaders  `json:"secrets"`
	Principals []principalReach `json:"principals"`
	Keys       []keyReach       `json:"keys"`
}

type secretReaders struct {
	ARN                string      `json:"arn"`
	Name               string      `json:"name"`
	Account            string      `json:"account"`
	ReaderCount        int         `json:"reader_count"`
	DefiniteReaders    int         `json:"definite_readers"`
	ConditionalReaders int         `json:"conditional_readers"`
	Public             bool        `json:"public"`
	ExternalAccounts   []string    `json:"external_accounts"`
	Readers            []readerRef `json:"readers"`
}

type readerRef struct {
	Principal  string   `json:"principal"`
	Kind       string   `json:"kind"`
	Account    string   `json:"account,omitempty"`
	Definite   bool     `json:"definite"`
	Conditions []string `json:"conditions,omitempty"`
}

type principalReach struct {
	Principal          string `json:"principal"`
	Kind               string `json:"kind"`
	Name               string `json:"name,omitempty"`
	Account            string `json:"account,omitempty"`
	ReadableSecrets    int    `json:"readable_secrets"`
	DefiniteSecrets    int    `json:"definite_secrets"`
	ConditionalSecrets int    `json:"conditional_secrets"`
	DecryptableKeys    int    `json:"decryptable_keys"`
}

type keyReach struct {
	ARN                string   `json:"arn"`
	Aliases            []string `json:"aliases,omitempty"`
	KeyManager         string   `json:"key_manager"`
	KeyState           string   `json:"key_state"`
	SecretCount        int      `json:"secret_count"`
	TrailCount         int      `json:"trail_count"`
	DecryptorCount     int      `json:"decryptor_count"`
	DefiniteDecryptors int      `json:"definite_decryptors"`
}

// summarizeAccess condenses an exposure analysis; nil in, nil out. Principals are
// ordered by blast radius, largest first.
func summarizeAccess(ex *exposure.Result) *accessSummary {
	if ex == nil {
		return nil
	}
	s := &accessSummary{Secrets: []secretReaders{}, Principals: []principalReach{}, Keys: []keyReach{}}
	for _, sa := range ex.Secrets {
		sr := secretReaders{
			ARN: sa.ARN, Name: sa.Name, Account: sa.Account, ReaderCount: sa.ReaderCount,
			DefiniteReaders: sa.DefiniteReaders, ConditionalReaders: sa.ConditionalReaders,
			Public: sa.Public, ExternalAccounts: orEmpty(sa.ExternalAccounts), Readers: []readerRef{},
		}
		for _, r := range sa.Readers {
			sr.Readers = append(sr.Readers, readerRef{Principal: r.Principal, Kind: r.Kind, Account: r.Account, Definite: r.Definite, Conditions: r.Conditions})
		}
		s.Secrets = append(s.Secrets, sr)
	}
	for _, pa := range ex.Principals {
		s.Principals = append(s.Principals, principalReach{
			Principal: pa.Principal, Kind: pa.Kind, Name: pa.Name, Account: pa.Account,
			ReadableSecrets: pa.ReadableSecrets, DefiniteSecrets: pa.DefiniteSecrets,
			ConditionalSecrets: pa.ConditionalSecrets, DecryptableKeys: pa.DecryptableKeys,
		})
	}
	sort.SliceStable(s.Principals, func(i, j int) bool {
		return s.Principals[i].ReadableSecrets > s.Principals[j].ReadableSecrets
	})
	for _, ka := range ex.Keys {
		s.Keys = append(s.Keys, keyReach{
			ARN: ka.ARN, Aliases: ka.Aliases, KeyManager: ka.KeyManager, KeyState: ka.KeyState,
			SecretCount: ka.SecretCount, TrailCount: ka.TrailCount,
			DecryptorCount: ka.DecryptorCount, DefiniteDecryptors: ka.DefiniteDecryptors,
		})
	}
	return s
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
