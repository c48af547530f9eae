package exposure

import "sort"

// result assembles the public Result: every list sorted, each principal's lists sized
// exactly and shared identities and targets referenced, not copied.
func (a *analysis) result() *Result {
	r := &Result{Secrets: make([]SecretAccess, 0, len(a.secrets)), Keys: make([]KeyAccess, 0, len(a.keys))}
	secrets := append([]*secretRec(nil), a.secrets...)
	sort.Slice(secrets, func(i, j int) bool { return secrets[i].s.ARN < secrets[j].s.ARN })
	for _, s := range secrets {
		sortReaders(s.readers)
		sa := SecretAccess{
			ARN: s.s.ARN, Name: s.s.Name, Account: s.acct.id, Region: s.s.Region, Tags: s.s.Tags,
			Key:              KeyRef{Ref: s.s.KMSKeyID, InInventory: s.key != nil, AWSManaged: s.implicitKey},
			PendingDeletion:  s.s.DeletedDate != nil,
			ExternalAccounts: []string{},
			Readers:          s.readers,
			ReaderCount:      len(s.readers),
		}
		if s.key != nil {
			sa.Key.ARN, sa.Key.State, sa.Key.AWSManaged = s.key.k.ARN, s.key.k.KeyState, s.key.k.KeyManager == "AWS"
		}
		if sa.Readers == nil {
			sa.Readers = []Reader{}
		}
		for _, rd := range s.readers {
			if rd.Definite {
				sa.DefiniteReaders++
			} else {
				sa.ConditionalReaders++
			}
			if rd.Kind == KindAnyone {
				sa.Public = true
			}
			if rd.CrossAccount && rd.Account != "" {
				sa.ExternalAccounts = appendUnique(sa.ExternalAccounts, rd.Account)
			}
		}
		sort.Strings(sa.ExternalAccounts)
		r.Secrets = append(r.Secrets, sa)
	}

	actors := append([]*actor(nil), a.actors...)
	for _, p := range a.pseudo {
		if p.secretCount > 0 || p.keyCount > 0 {
			actors = append(actors, p)
		}
	}
	sort.Slice(actors, func(i, j int) bool { return actors[i].arn < actors[j].arn })
	// Each principal's lists are sized exactly, then filled by walking the resources in
	// ARN order, so they come out sorted.
	r.Principals = make([]PrincipalAccess, len(actors))
	slot := make(map[*Identity]*PrincipalAccess, len(actors))
	for i, p := range actors {
		r.Principals[i] = PrincipalAccess{
			Identity: *p.identity(), MissingPolicies: p.missing,
			Secrets: make([]Access, 0, p.secretCount), Keys: make([]Access, 0, p.keyCount),
		}
		slot[p.identity()] = &r.Principals[i]
	}
	for i := range r.Secrets {
		sa := &r.Secrets[i]
		target := secrets[i].target
		for j := range sa.Readers {
			rd := &sa.Readers[j]
			pa := slot[rd.Identity]
			pa.Secrets = append(pa.Secrets, access(target, rd))
			if rd.Definite {
				pa.DefiniteSecrets++
			} else {
				pa.ConditionalSecrets++
			}
		}
	}
	for _, k := range a.keys {
		sortReaders(k.decryptors)
		ka := KeyAccess{
			ARN: k.k.ARN, KeyID: k.k.KeyID, Account: k.acct.id, Region: k.k.Region, Aliases: k.k.Aliases,
			KeyManager: k.k.KeyManager, KeyState: k.k.KeyState,
			Secrets: k.secrets, SecretCount: len(k.secrets),
			Trails: k.trails, TrailCount: len(k.trails),
			Decryptors: k.decryptors, DecryptorCount: len(k.decryptors),
		}
		sort.Strings(ka.Secrets)
		sort.Strings(ka.Trails)
		if ka.Decryptors == nil {
			ka.Decryptors = []Reader{}
		}
		for _, d := range k.decryptors {
			if d.Definite {
				ka.DefiniteDecryptors++
			} else {
				ka.ConditionalDecryptors++
			}
		}
		r.Keys = append(r.Keys, ka)
	}
	sort.Slice(r.Keys, func(i, j int) bool { return r.Keys[i].ARN < r.Keys[j].ARN })
	for i := range r.Keys {
		ka := &r.Keys[i]
		target := a.keyByARN[ka.ARN].target
		for j := range ka.Decryptors {
			rd := &ka.Decryptors[j]
			pa := slot[rd.Identity]
			pa.Keys = append(pa.Keys, access(target, rd))
		}
	}
	for i := range r.Principals {
		r.Principals[i].ReadableSecrets = len(r.Principals[i].Secrets)
		r.Principals[i].DecryptableKeys = len(r.Principals[i].Keys)
	}
	r.index()
	return r
}
