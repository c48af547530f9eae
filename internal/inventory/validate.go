package inventory

var (
	keyManagers    = set("AWS", "CUSTOMER")
	coverageStates = set(string(CoverageOK), string(CoverageDenied), string(CoverageThrottled),
		string(CoverageFailed), string(CoverageNotEnabled), string(CoverageSkipped))
)

func set(items ...string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, s := range items {
		m[s] = true
	}
	return m
}

// validate checks what JSON decoding cannot: the version, required fields, enumerations
// and the grammar of every policy document. The first problem is returned as a *pathError.
func (s *Snapshot) validate() error {
	root := jsonPath{}
	if s.SchemaVersion != SchemaVersion {
		return errAt(root.with("schema_version"), "unsupported schema_version %q (this custos reads %q)", s.SchemaVersion, SchemaVersion)
	}
	if s.Accounts == nil {
		return errAt(root, "missing \"accounts\"")
	}
	for i := range s.Accounts {
		if err := s.Accounts[i].validate(root.with("accounts", i)); err != nil {
			return err
		}
	}
	for i, c := range s.Coverage {
		p := root.with("coverage", i)
		if !coverageStates[string(c.Status)] {
			return errAt(p.with("status"), "unknown coverage status %q", c.Status)
		}
		if c.Service == "" {
			return errAt(p, "missing \"service\"")
		}
	}
	return nil
}

func (a *Account) validate(p jsonPath) error {
	if !isAccountID(a.ID) {
		return errAt(p.with("id"), "account id %q is not 12 digits", a.ID)
	}
	for i, s := range a.Secrets {
		sp := p.with("secrets", i)
		if err := required(sp, "arn", s.ARN, "name", s.Name, "region", s.Region); err != nil {
			return err
		}
		if err := policyErr(sp.with("resource_policy"), s.ResourcePolicy); err != nil {
			return err
		}
	}
	for i, k := range a.Keys {
		kp := p.with("keys", i)
		if err := required(kp, "arn", k.ARN, "key_id", k.KeyID, "region", k.Region, "key_state", k.KeyState); err != nil {
			return err
		}
		if !keyManagers[k.KeyManager] {
			return errAt(kp.with("key_manager"), "key_manager %q is neither AWS nor CUSTOMER", k.KeyManager)
		}
		if err := policyErr(kp.with("key_policy"), k.KeyPolicy); err != nil {
			return err
		}
	}
	return a.IAM.validate(p.with("iam"))
}

func (m *IAM) validate(p jsonPath) error {
	for i, u := range m.Users {
		up := p.with("users", i)
		if err := required(up, "arn", u.ARN, "name", u.Name); err != nil {
			return err
		}
		if err := inlineErr(up, u.InlinePolicies); err != nil {
			return err
		}
	}
	for i, r := range m.Roles {
		rp := p.with("roles", i)
		if err := required(rp, "arn", r.ARN, "name", r.Name); err != nil {
			return err
		}
		if err := policyErr(rp.with("trust_policy"), r.TrustPolicy); err != nil {
			return err
		}
		if err := inlineErr(rp, r.InlinePolicies); err != nil {
			return err
		}
	}
	for i, g := range m.Groups {
		gp := p.with("groups", i)
		if err := required(gp, "arn", g.ARN, "name", g.Name); err != nil {
			return err
		}
		if err := inlineErr(gp, g.InlinePolicies); err != nil {
			return err
		}
	}
	for i := range m.Policies {
		mp := p.with("policies", i)
		if err := required(mp, "arn", m.Policies[i].ARN, "name", m.Policies[i].Name); err != nil {
			return err
		}
		if err := policyErr(mp.with("document"), &m.Policies[i].Document); err != nil {
			return err
		}
	}
	return nil
}

func inlineErr(p jsonPath, policies []InlinePolicy) error {
	for i := range policies {
		if err := policyErr(p.with("inline_policies", i, "document"), &policies[i].Document); err != nil {
			return err
		}
	}
	return nil
}

func policyErr(p jsonPath, pol *Policy) error {
	if pol == nil || pol.err == nil {
		return nil
	}
	return &pathError{path: p, err: pol.err}
}

// required takes name/value pairs and reports the first empty value.
func required(p jsonPath, pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			return errAt(p, "missing %q", pairs[i])
		}
	}
	return nil
}
