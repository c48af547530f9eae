package awsapi

func (s *Server) orgARN() string {
	return "arn:" + s.world.partition + ":organizations::" + s.world.org.ManagementAccount + ":organization/" + s.world.org.ID
}

func (s *Server) orgDescribeOrganization(req *request) (any, *apiError) {
	if e := decode(req, &struct{}{}); e != nil {
		return nil, e
	}
	if s.world.org == nil {
		return nil, errorf(400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	}
	mgmt := s.world.org.ManagementAccount
	return map[string]any{"Organization": map[string]any{
		"Id":               s.world.org.ID,
		"Arn":              s.orgARN(),
		"FeatureSet":       "ALL",
		"MasterAccountId":  mgmt,
		"MasterAccountArn": "arn:" + s.world.partition + ":organizations::" + mgmt + ":account/" + s.world.org.ID + "/" + mgmt,
	}}, nil
}

func (s *Server) orgListAccounts(req *request) (any, *apiError) {
	var in struct {
		MaxResults int
		NextToken  string
	}
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	if s.world.org == nil {
		return nil, errorf(400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	}
	if req.acct.ID != s.world.org.ManagementAccount {
		ae := accessDenied(req)
		ae.msg = "You don't have permissions to access this resource."
		return nil, &ae
	}
	start, end, next, e := s.page(req, "accounts", len(s.world.order), in.MaxResults, 20, in.NextToken)
	if e != nil {
		return nil, e
	}
	list := make([]map[string]any, 0, end-start)
	for _, id := range s.world.order[start:end] {
		a := s.world.accounts[id]
		list = append(list, map[string]any{
			"Id":           a.ID,
			"Arn":          "arn:" + s.world.partition + ":organizations::" + s.world.org.ManagementAccount + ":account/" + s.world.org.ID + "/" + a.ID,
			"Name":         a.Name,
			"Email":        a.Email,
			"Status":       a.status(),
			"State":        a.status(),
			"JoinedMethod": "CREATED",
		})
	}
	out := map[string]any{"Accounts": list}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func (s *Server) accountListRegions(req *request) (any, *apiError) {
	var in struct {
		AccountId               string
		MaxResults              int
		NextToken               string
		RegionOptStatusContains []string
	}
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	acct := req.acct
	if in.AccountId != "" && in.AccountId != acct.ID {
		if s.world.org == nil || acct.ID != s.world.org.ManagementAccount || s.world.accounts[in.AccountId] == nil {
			ae := accessDenied(req)
			return nil, &ae
		}
		acct = s.world.accounts[in.AccountId]
	}
	defaults := map[string]bool{}
	for _, r := range DefaultRegions() {
		defaults[r] = true
	}
	type region struct{ name, status string }
	var all []region
	for _, r := range s.world.regions {
		status := "DISABLED"
		switch {
		case acct.enabled(r) && defaults[r]:
			status = "ENABLED_BY_DEFAULT"
		case acct.enabled(r):
			status = "ENABLED"
		}
		if len(in.RegionOptStatusContains) > 0 && !contains(in.RegionOptStatusContains, status) {
			continue
		}
		all = append(all, region{r, status})
	}
	start, end, next, e := s.page(req, "regions", len(all), in.MaxResults, 50, in.NextToken)
	if e != nil {
		return nil, e
	}
	list := make([]map[string]string, 0, end-start)
	for _, r := range all[start:end] {
		list = append(list, map[string]string{"RegionName": r.name, "RegionOptStatus": r.status})
	}
	out := map[string]any{"Regions": list}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}
