package awsapi

import (
	"sort"

	"github.com/custos-dev/custos/internal/inventory"
)

// visibleTrails are the trails DescribeTrails shows in a region: the account's trails
// whose home is the region, its multi-region trails from other regions (shadow trails)
// and, for a member account, the organisation trails of the management account.
func (s *Server) visibleTrails(req *request, shadows bool) []*inventory.Trail {
	var out []*inventory.Trail
	add := func(a *accountData, orgOnly bool) {
		for i := range a.Trails {
			t := &a.Trails[i]
			if orgOnly && !t.IsOrganizationTrail {
				continue
			}
			if t.HomeRegion == req.region || (shadows && t.IsMultiRegion) {
				out = append(out, t)
			}
		}
	}
	add(req.acct, false)
	if org := s.world.org; org != nil && org.ManagementAccount != req.acct.ID && shadows {
		if m := s.world.accounts[org.ManagementAccount]; m != nil {
			add(m, true)
		}
	}
	return out
}

func (s *Server) trail(req *request, name string) (*inventory.Trail, *apiError) {
	for _, t := range s.visibleTrails(req, true) {
		if t.ARN == name || (t.Name == name && t.HomeRegion == req.region) {
			return t, nil
		}
	}
	return nil, errorf(400, "TrailNotFoundException", "Unknown trail: %s for the user: %s", name, req.acct.ID)
}

func (s *Server) ctDescribeTrails(req *request) (any, *apiError) {
	var in struct {
		IncludeShadowTrails *bool    `json:"includeShadowTrails"`
		TrailNameList       []string `json:"trailNameList"`
	}
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	shadows := in.IncludeShadowTrails == nil || *in.IncludeShadowTrails
	list := []map[string]any{}
	for _, t := range s.visibleTrails(req, shadows) {
		if len(in.TrailNameList) > 0 && !contains(in.TrailNameList, t.Name) && !contains(in.TrailNameList, t.ARN) {
			continue
		}
		m := map[string]any{
			"Name":                       t.Name,
			"TrailARN":                   t.ARN,
			"HomeRegion":                 t.HomeRegion,
			"IsMultiRegionTrail":         t.IsMultiRegion,
			"IsOrganizationTrail":        t.IsOrganizationTrail,
			"IncludeGlobalServiceEvents": t.IncludeGlobalServiceEvents,
			"LogFileValidationEnabled":   t.LogFileValidationEnabled,
			"HasCustomEventSelectors":    len(t.EventSelectors) > 0 || len(t.AdvancedEventSelectors) > 0,
			"HasInsightSelectors":        false,
		}
		if t.S3BucketName != "" {
			m["S3BucketName"] = t.S3BucketName
		}
		if t.S3KeyPrefix != "" {
			m["S3KeyPrefix"] = t.S3KeyPrefix
		}
		if t.KMSKeyID != "" {
			m["KmsKeyId"] = t.KMSKeyID
		}
		list = append(list, m)
	}
	return map[string]any{"trailList": list}, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (s *Server) ctGetTrailStatus(req *request) (any, *apiError) {
	var in struct{ Name string }
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	t, e := s.trail(req, in.Name)
	if e != nil {
		return nil, e
	}
	out := map[string]any{"IsLogging": t.IsLogging}
	if t.LatestDeliveryTime != nil {
		out["LatestDeliveryTime"] = epochOf(t.LatestDeliveryTime)
		out["LatestDeliveryAttemptTime"] = t.LatestDeliveryTime.UTC().Format("2006-01-02T15:04:05Z")
	}
	if t.LatestDeliveryError != "" {
		out["LatestDeliveryError"] = t.LatestDeliveryError
	}
	return out, nil
}

type ctDataResource struct {
	Type   string   `json:"Type"`
	Values []string `json:"Values,omitempty"`
}

func (s *Server) ctGetEventSelectors(req *request) (any, *apiError) {
	var in struct{ TrailName string }
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	t, e := s.trail(req, in.TrailName)
	if e != nil {
		return nil, e
	}
	out := map[string]any{"TrailARN": t.ARN}
	if len(t.AdvancedEventSelectors) > 0 {
		var adv []map[string]any
		for _, a := range t.AdvancedEventSelectors {
			var fields []map[string]any
			for _, f := range a.FieldSelectors {
				m := map[string]any{"Field": f.Field}
				for k, v := range map[string][]string{"Equals": f.Equals, "StartsWith": f.StartsWith, "EndsWith": f.EndsWith,
					"NotEquals": f.NotEquals, "NotStartsWith": f.NotStartsWith, "NotEndsWith": f.NotEndsWith} {
					if len(v) > 0 {
						m[k] = v
					}
				}
				fields = append(fields, m)
			}
			m := map[string]any{"FieldSelectors": fields}
			if a.Name != "" {
				m["Name"] = a.Name
			}
			adv = append(adv, m)
		}
		out["AdvancedEventSelectors"] = adv
		return out, nil
	}
	var sel []map[string]any
	for _, e := range t.EventSelectors {
		m := map[string]any{"ReadWriteType": e.ReadWriteType, "IncludeManagementEvents": e.IncludeManagementEvents}
		if len(e.ExcludeManagementEventSources) > 0 {
			m["ExcludeManagementEventSources"] = e.ExcludeManagementEventSources
		}
		var drs []ctDataResource
		for _, d := range e.DataResources {
			drs = append(drs, ctDataResource(d))
		}
		if len(drs) > 0 {
			m["DataResources"] = drs
		}
		sel = append(sel, m)
	}
	out["EventSelectors"] = sel
	return out, nil
}

func (s *Server) ctListTags(req *request) (any, *apiError) {
	var in struct {
		ResourceIdList []string
		NextToken      string
	}
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	if len(in.ResourceIdList) == 0 || len(in.ResourceIdList) > 20 {
		return nil, errorf(400, "InvalidParameterException", "ResourceIdList must hold 1 to 20 ARNs")
	}
	var list []map[string]any
	for _, arn := range in.ResourceIdList {
		var t *inventory.Trail
		for i := range req.acct.Trails {
			if req.acct.Trails[i].ARN == arn && req.acct.Trails[i].HomeRegion == req.region {
				t = &req.acct.Trails[i]
			}
		}
		if t == nil {
			return nil, errorf(400, "CloudTrailARNInvalidException", "%s is not a trail of this account in %s", arn, req.region)
		}
		names := make([]string, 0, len(t.Tags))
		for k := range t.Tags {
			names = append(names, k)
		}
		sort.Strings(names)
		tags := []map[string]string{}
		for _, k := range names {
			tags = append(tags, map[string]string{"Key": k, "Value": t.Tags[k]})
		}
		list = append(list, map[string]any{"ResourceId": arn, "TagsList": tags})
	}
	// One page per trail, so that the token is followed even for a single call.
	start, end, next, e := s.page(req, "tags", len(list), 0, 1, in.NextToken)
	if e != nil {
		return nil, e
	}
	out := map[string]any{"ResourceTagList": list[start:end]}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}
