package awsapi

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/custos-dev/custos/internal/inventory"
)

// world is a World indexed for answering.
type world struct {
	partition string
	org       *Organization
	regions   []string
	accounts  map[string]*accountData
	order     []string
	buckets   map[string]*bucket
}

// bucket is one S3 bucket: its objects and their keys in order.
type bucket struct {
	objects  map[string][]byte
	keys     []string
	modified time.Time
}

type accountData struct {
	Account
	enabledRegions map[string]bool
	secrets        map[string][]*inventory.Secret // by region
	keys           map[string][]*inventory.Key    // by region
	users          map[string]*inventory.User
	roles          map[string]*inventory.Role
	accessKeys     map[string]keyOwner      // by access key id
	events         map[string][]*trailEvent // by region, newest first
}

type keyOwner struct {
	user *inventory.User
	key  *inventory.AccessKey
}

// index prepares w for answering; now is the modification time of every S3 object. The
// errors are seed data the emulator cannot serve.
func index(w World, now time.Time) (*world, []error) {
	var problems []error
	out := &world{partition: w.Partition, org: w.Organization, regions: w.Regions, accounts: map[string]*accountData{},
		buckets: map[string]*bucket{}}
	for name, objects := range w.Buckets {
		b := &bucket{objects: objects, keys: make([]string, 0, len(objects)), modified: now.UTC().Truncate(time.Second)}
		for k := range objects {
			b.keys = append(b.keys, k)
		}
		sort.Strings(b.keys)
		out.buckets[name] = b
	}
	if out.partition == "" {
		out.partition = "aws"
	}
	if len(out.regions) == 0 {
		out.regions = append(DefaultRegions(), OptInRegions()...)
	}
	for i := range w.Accounts {
		a := &accountData{
			Account:        w.Accounts[i],
			enabledRegions: map[string]bool{},
			secrets:        map[string][]*inventory.Secret{},
			keys:           map[string][]*inventory.Key{},
			users:          map[string]*inventory.User{},
			roles:          map[string]*inventory.Role{},
			accessKeys:     map[string]keyOwner{},
			events:         map[string][]*trailEvent{},
		}
		for region, raws := range a.CloudTrailEvents {
			for j, raw := range raws {
				e, err := parseTrailEvent(raw)
				if err != nil {
					problems = append(problems, fmt.Errorf("account %s: CloudTrailEvents[%q][%d]: %w", a.ID, region, j, err))
					continue
				}
				a.events[region] = append(a.events[region], e)
			}
			// LookupEvents answers newest first; events of the same second keep their order.
			sort.SliceStable(a.events[region], func(x, y int) bool {
				return a.events[region][x].time.After(a.events[region][y].time)
			})
		}
		enabled := a.Regions
		if len(enabled) == 0 {
			enabled = DefaultRegions()
		}
		for _, r := range enabled {
			a.enabledRegions[r] = true
		}
		for j := range a.Secrets {
			s := &a.Secrets[j]
			a.secrets[s.Region] = append(a.secrets[s.Region], s)
		}
		for j := range a.Keys {
			k := &a.Keys[j]
			a.keys[k.Region] = append(a.keys[k.Region], k)
		}
		for j := range a.IAM.Users {
			u := &a.IAM.Users[j]
			a.users[u.Name] = u
			for k := range u.AccessKeys {
				a.accessKeys[u.AccessKeys[k].AccessKeyID] = keyOwner{user: u, key: &u.AccessKeys[k]}
			}
		}
		for j := range a.IAM.Roles {
			a.roles[a.IAM.Roles[j].Name] = &a.IAM.Roles[j]
		}
		out.accounts[a.ID] = a
		out.order = append(out.order, a.ID)
	}
	return out, problems
}

func (a *accountData) enabled(region string) bool { return a.enabledRegions[region] }

func (a *accountData) status() string {
	if a.Status == "" {
		return "ACTIVE"
	}
	return a.Status
}

// PolicyJSON renders a canonical policy in AWS's grammar, as AWS returns it.
func PolicyJSON(p inventory.Policy) string {
	doc := map[string]any{}
	if p.Version != "" {
		doc["Version"] = p.Version
	}
	if p.ID != "" {
		doc["Id"] = p.ID
	}
	stmts := make([]map[string]any, 0, len(p.Statements))
	for _, s := range p.Statements {
		m := map[string]any{"Effect": s.Effect}
		if s.Sid != "" {
			m["Sid"] = s.Sid
		}
		if s.Principal != nil {
			m["Principal"] = principalJSON(s.Principal)
		}
		if s.NotPrincipal != nil {
			m["NotPrincipal"] = principalJSON(s.NotPrincipal)
		}
		putList(m, "Action", s.Actions)
		putList(m, "NotAction", s.NotActions)
		putList(m, "Resource", s.Resources)
		putList(m, "NotResource", s.NotResources)
		if len(s.Conditions) > 0 {
			cond := map[string]map[string][]string{}
			for _, c := range s.Conditions {
				if cond[c.Operator] == nil {
					cond[c.Operator] = map[string][]string{}
				}
				cond[c.Operator][c.Key] = append(cond[c.Operator][c.Key], c.Values...)
			}
			m["Condition"] = cond
		}
		stmts = append(stmts, m)
	}
	doc["Statement"] = stmts
	b, err := json.Marshal(doc)
	if err != nil {
		// Maps of strings always marshal.
		panic("awsapi: render policy: " + err.Error())
	}
	return string(b)
}

func principalJSON(p *inventory.Principal) any {
	if p.All && len(p.AWS) == 0 && len(p.Service) == 0 && len(p.Federated) == 0 && len(p.CanonicalUser) == 0 {
		return "*"
	}
	m := map[string][]string{}
	if len(p.AWS) > 0 {
		m["AWS"] = p.AWS
	}
	if len(p.Service) > 0 {
		m["Service"] = p.Service
	}
	if len(p.Federated) > 0 {
		m["Federated"] = p.Federated
	}
	if len(p.CanonicalUser) > 0 {
		m["CanonicalUser"] = p.CanonicalUser
	}
	return m
}

func putList(m map[string]any, key string, v []string) {
	if len(v) > 0 {
		m[key] = v
	}
}

// urlPolicy renders a policy as IAM's Query API returns it: URL-encoded JSON.
func urlPolicy(p *inventory.Policy) string {
	if p == nil {
		return ""
	}
	return url.QueryEscape(PolicyJSON(*p))
}

// externalIDs returns the values a trust policy requires for sts:ExternalId, if any.
func externalIDs(trust *inventory.Policy) []string {
	if trust == nil {
		return nil
	}
	var ids []string
	for _, s := range trust.Statements {
		for _, c := range s.Conditions {
			if c.Key == "sts:externalid" && strings.HasPrefix(c.Base, "String") {
				ids = append(ids, c.Values...)
			}
		}
	}
	return ids
}
