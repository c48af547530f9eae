package awsapi

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

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

// trailEvent is one seeded CloudTrail event with the fields LookupEvents reports and
// filters on.
type trailEvent struct {
	raw                                         string
	time                                        time.Time
	id, name, source, readOnly, accessKey, user string
	resources                                   []ctResource
}

type ctResource struct {
	ResourceType string `json:"ResourceType,omitempty"`
	ResourceName string `json:"ResourceName,omitempty"`
}

func parseTrailEvent(raw string) (*trailEvent, error) {
	var ev struct {
		EventID      string `json:"eventID"`
		EventTime    string `json:"eventTime"`
		EventName    string `json:"eventName"`
		EventSource  string `json:"eventSource"`
		ReadOnly     *bool  `json:"readOnly"`
		UserIdentity struct {
			Type        string `json:"type"`
			ARN         string `json:"arn"`
			UserName    string `json:"userName"`
			AccessKeyID string `json:"accessKeyId"`
		} `json:"userIdentity"`
		Resources []struct {
			Type string `json:"type"`
			ARN  string `json:"ARN"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(raw), &ev); err != nil {
		return nil, fmt.Errorf("not CloudTrail event JSON: %w", err)
	}
	t, err := time.Parse(time.RFC3339, ev.EventTime)
	if err != nil {
		return nil, fmt.Errorf("eventTime: %w", err)
	}
	if ev.EventID == "" || ev.EventName == "" || ev.EventSource == "" {
		return nil, fmt.Errorf("an event needs eventID, eventName and eventSource")
	}
	e := &trailEvent{raw: raw, time: t.UTC(), id: ev.EventID, name: ev.EventName, source: ev.EventSource,
		accessKey: ev.UserIdentity.AccessKeyID, user: ev.UserIdentity.UserName}
	if ev.ReadOnly != nil {
		e.readOnly = strconv.FormatBool(*ev.ReadOnly)
	}
	// LookupEvents names the user as the console does: an assumed role by its session,
	// a federated user by its name, the root user as root.
	arn := ev.UserIdentity.ARN
	switch ev.UserIdentity.Type {
	case "AssumedRole", "FederatedUser":
		e.user = arn[strings.LastIndexByte(arn, '/')+1:]
	case "Root":
		e.user = "root"
	}
	for _, r := range ev.Resources {
		e.resources = append(e.resources, ctResource{ResourceType: r.Type, ResourceName: r.ARN})
	}
	return e, nil
}

// lookupAttributes are the keys LookupEvents filters on.
var lookupAttributes = []string{"EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId"}

func (e *trailEvent) has(key, value string) bool {
	switch key {
	case "EventId":
		return e.id == value
	case "EventName":
		return e.name == value
	case "ReadOnly":
		return e.readOnly == value
	case "Username":
		return e.user == value
	case "EventSource":
		return e.source == value
	case "AccessKeyId":
		return e.accessKey == value
	}
	for _, r := range e.resources {
		if (key == "ResourceType" && r.ResourceType == value) || (key == "ResourceName" && r.ResourceName == value) {
			return true
		}
	}
	return false
}

// ctLookupEvents answers LookupEvents over the events seeded for the caller's account and
// region: newest first, between StartTime and EndTime (both inclusive, as AWS documents),
// matching the one lookup attribute AWS allows, 50 a page. The 90-day horizon of the real
// API is not emulated: seeded events of any age are served.
func (s *Server) ctLookupEvents(req *request) (any, *apiError) {
	var in struct {
		LookupAttributes []struct {
			AttributeKey   string
			AttributeValue string
		}
		StartTime     *float64
		EndTime       *float64
		EventCategory string
		MaxResults    *int
		NextToken     string
	}
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	if len(in.LookupAttributes) > 1 {
		return nil, errorf(400, "InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.")
	}
	var key, value string
	if len(in.LookupAttributes) == 1 {
		key, value = in.LookupAttributes[0].AttributeKey, in.LookupAttributes[0].AttributeValue
		if !contains(lookupAttributes, key) || value == "" {
			return nil, errorf(400, "InvalidLookupAttributesException", "lookup attribute %q=%q: the key must be one of %s and the value not empty",
				key, value, strings.Join(lookupAttributes, ", "))
		}
	}
	if in.MaxResults != nil && (*in.MaxResults < 1 || *in.MaxResults > 50) {
		return nil, errorf(400, "InvalidMaxResultsException", "MaxResults must be between 1 and 50")
	}
	if in.EventCategory != "" && in.EventCategory != "insight" {
		return nil, errorf(400, "InvalidEventCategoryException", "EventCategory %q is not valid", in.EventCategory)
	}
	from, to := time.Time{}, time.Time{}
	if in.StartTime != nil {
		from = epochTime(*in.StartTime)
	}
	if in.EndTime != nil {
		to = epochTime(*in.EndTime)
	}
	if in.StartTime != nil && in.EndTime != nil && from.After(to) {
		return nil, errorf(400, "InvalidTimeRangeException", "StartTime must be at or before EndTime")
	}

	var match []*trailEvent
	if in.EventCategory == "" {
		for _, e := range req.acct.events[req.region] {
			if (in.StartTime != nil && e.time.Before(from)) || (in.EndTime != nil && e.time.After(to)) {
				continue
			}
			if key != "" && !e.has(key, value) {
				continue
			}
			match = append(match, e)
		}
	}
	requested := 0
	if in.MaxResults != nil {
		requested = *in.MaxResults
	}
	// A token is good only for the same question.
	bound := func(t *float64) string {
		if t == nil {
			return "-"
		}
		return strconv.FormatFloat(*t, 'f', -1, 64)
	}
	list := "events|" + bound(in.StartTime) + "|" + bound(in.EndTime) + "|" + key + "=" + value + "|" + in.EventCategory
	start, end, next, e := s.page(req, list, len(match), requested, 50, in.NextToken)
	if e != nil {
		return nil, e
	}
	events := make([]map[string]any, 0, end-start)
	for _, ev := range match[start:end] {
		m := map[string]any{
			"EventId": ev.id, "EventName": ev.name, "EventSource": ev.source, "EventTime": epochOf(&ev.time),
			"CloudTrailEvent": ev.raw, "Resources": ev.resources,
		}
		if ev.resources == nil {
			m["Resources"] = []ctResource{}
		}
		if ev.readOnly != "" {
			m["ReadOnly"] = ev.readOnly
		}
		if ev.accessKey != "" {
			m["AccessKeyId"] = ev.accessKey
		}
		if ev.user != "" {
			m["Username"] = ev.user
		}
		events = append(events, m)
	}
	out := map[string]any{"Events": events}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

// epochTime reads a JSON protocol timestamp: seconds since the epoch, with fractions.
func epochTime(sec float64) time.Time {
	whole := math.Floor(sec)
	return time.Unix(int64(whole), int64(math.Round((sec-whole)*1e9))).UTC()
}
