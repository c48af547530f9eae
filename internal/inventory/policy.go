package inventory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Policy is an IAM, key or resource policy document in custos's canonical shape:
// every element that AWS allows as string-or-list is a list, actions are lower-cased
// (IAM compares them case-insensitively), principals are split by kind and conditions
// are flattened to one entry per operator and key. Policies never re-parse AWS grammar.
//
// When read from JSON a Policy accepts three forms: the canonical object written by
// custos, a policy as AWS writes it ({"Version", "Statement": …}), and a JSON string
// holding such a policy, URL-encoded or not (as the IAM API returns it).
type Policy struct {
	Version    string      `json:"version,omitempty"`
	ID         string      `json:"id,omitempty"`
	Statements []Statement `json:"statements"`

	// err keeps a grammar error found while decoding, so that Snapshot.Validate can
	// report it with the file position of the policy.
	err error
}

// Statement is one canonical policy statement.
type Statement struct {
	Sid          string      `json:"sid,omitempty"`
	Effect       string      `json:"effect"`
	Principal    *Principal  `json:"principal,omitempty"`
	NotPrincipal *Principal  `json:"not_principal,omitempty"`
	Actions      []string    `json:"actions,omitempty"`
	NotActions   []string    `json:"not_actions,omitempty"`
	Resources    []string    `json:"resources,omitempty"`
	NotResources []string    `json:"not_resources,omitempty"`
	Conditions   []Condition `json:"conditions,omitempty"`
}

// Principal is a statement's principal, split by kind.
type Principal struct {
	// All is true for "Principal": "*" and for {"AWS": "*"}: anyone.
	All           bool     `json:"all"`
	AWS           []string `json:"aws,omitempty"`
	Service       []string `json:"service,omitempty"`
	Federated     []string `json:"federated,omitempty"`
	CanonicalUser []string `json:"canonical_user,omitempty"`
	// Accounts are the distinct account ids that the AWS principals belong to.
	Accounts []string `json:"accounts,omitempty"`
}

// Condition is one operator-key pair of a statement's Condition block.
type Condition struct {
	// Operator is the operator as written, e.g. "ForAnyValue:StringLikeIfExists".
	Operator string `json:"operator"`
	// Base is the operator without set qualifier and IfExists, e.g. "StringLike".
	Base string `json:"base"`
	// Qualifier is "ForAnyValue", "ForAllValues" or empty.
	Qualifier string `json:"qualifier,omitempty"`
	IfExists  bool   `json:"if_exists"`
	// Key is the condition key, lower-cased (condition keys are case-insensitive).
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// Err returns the grammar error found when the policy was decoded, if any.
func (p *Policy) Err() error { return p.err }

// ParsePolicy parses a policy document in AWS's grammar (the JSON text AWS returns,
// URL-encoded or not) into the canonical shape.
func ParsePolicy(text string) (Policy, error) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "%") {
		unescaped, err := url.QueryUnescape(text)
		if err != nil {
			return Policy{}, fmt.Errorf("policy document: url-decode: %w", err)
		}
		text = unescaped
	}
	var raw awsPolicy
	// An element AWS's grammar does not have (a typo such as "Statment", or a canonical
	// document held in a string) would otherwise be dropped and the policy read as
	// granting less than it does.
	if err := strictUnmarshal([]byte(text), &raw); err != nil {
		return Policy{}, fmt.Errorf("policy document: %w", err)
	}
	return raw.canonical()
}

// UnmarshalJSON accepts the canonical form, AWS's grammar, or a string holding AWS's grammar.
func (p *Policy) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '"' {
		var text string
		if err := json.Unmarshal(data, &text); err != nil {
			return err
		}
		parsed, err := ParsePolicy(text)
		*p = parsed
		p.err = err
		return nil
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		// Kept for Snapshot.validate, which knows where the policy is; the decoder's
		// own error would carry an offset inside the policy, not in the file.
		*p = Policy{err: fmt.Errorf("policy document: must be a JSON object or a string, got %.20s", data)}
		return nil
	}
	if _, aws := probe["Statement"]; aws {
		parsed, err := ParsePolicy(string(data))
		*p = parsed
		p.err = err
		return nil
	}
	type canonical Policy
	var c canonical
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		*p = Policy{err: fmt.Errorf("policy document: %w", err)}
		return nil
	}
	*p = Policy(c)
	p.err = p.validate()
	return nil
}

func (p *Policy) validate() error {
	for i, s := range p.Statements {
		if err := s.validate(); err != nil {
			return fmt.Errorf("statement %d: %w", i, err)
		}
	}
	return nil
}

func (s *Statement) validate() error {
	switch {
	case s.Effect != "Allow" && s.Effect != "Deny":
		return fmt.Errorf("effect %q is neither Allow nor Deny", s.Effect)
	case len(s.Actions) > 0 && len(s.NotActions) > 0:
		return fmt.Errorf("has both Action and NotAction")
	case len(s.Actions) == 0 && len(s.NotActions) == 0:
		return fmt.Errorf("has neither Action nor NotAction")
	case len(s.Resources) > 0 && len(s.NotResources) > 0:
		return fmt.Errorf("has both Resource and NotResource")
	case s.Principal != nil && s.NotPrincipal != nil:
		return fmt.Errorf("has both Principal and NotPrincipal")
	}
	return nil
}

// awsPolicy is a policy document in AWS's grammar.
type awsPolicy struct {
	Version   string          `json:"Version"`
	ID        string          `json:"Id"`
	Statement json.RawMessage `json:"Statement"`
}

type awsStatement struct {
	Sid          string                                `json:"Sid"`
	Effect       string                                `json:"Effect"`
	Principal    json.RawMessage                       `json:"Principal"`
	NotPrincipal json.RawMessage                       `json:"NotPrincipal"`
	Action       stringList                            `json:"Action"`
	NotAction    stringList                            `json:"NotAction"`
	Resource     stringList                            `json:"Resource"`
	NotResource  stringList                            `json:"NotResource"`
	Condition    map[string]map[string]json.RawMessage `json:"Condition"`
}

func (a awsPolicy) canonical() (Policy, error) {
	p := Policy{Version: a.Version, ID: a.ID, Statements: []Statement{}}
	var stmts []awsStatement
	body := bytes.TrimSpace(a.Statement)
	switch {
	case len(body) == 0 || string(body) == "null":
		// A policy without statements grants nothing.
	case body[0] == '[':
		if err := strictUnmarshal(body, &stmts); err != nil {
			return p, fmt.Errorf("policy document: Statement: %w", err)
		}
	default:
		var one awsStatement
		if err := strictUnmarshal(body, &one); err != nil {
			return p, fmt.Errorf("policy document: Statement: %w", err)
		}
		stmts = []awsStatement{one}
	}
	for i, s := range stmts {
		c, err := s.canonical()
		if err != nil {
			return p, fmt.Errorf("statement %d: %w", i, err)
		}
		p.Statements = append(p.Statements, c)
	}
	return p, nil
}

func (s awsStatement) canonical() (Statement, error) {
	c := Statement{
		Sid:          s.Sid,
		Effect:       s.Effect,
		Actions:      lowerAll(s.Action),
		NotActions:   lowerAll(s.NotAction),
		Resources:    s.Resource,
		NotResources: s.NotResource,
	}
	var err error
	if c.Principal, err = parsePrincipal(s.Principal); err != nil {
		return c, fmt.Errorf("Principal: %w", err)
	}
	if c.NotPrincipal, err = parsePrincipal(s.NotPrincipal); err != nil {
		return c, fmt.Errorf("NotPrincipal: %w", err)
	}
	if c.Conditions, err = parseConditions(s.Condition); err != nil {
		return c, fmt.Errorf("Condition: %w", err)
	}
	return c, c.validate()
}

func parsePrincipal(raw json.RawMessage) (*Principal, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		if s != "*" {
			return nil, fmt.Errorf("a string principal must be \"*\", got %q", s)
		}
		return &Principal{All: true}, nil
	}
	var kinds map[string]stringList
	if err := json.Unmarshal(raw, &kinds); err != nil {
		return nil, err
	}
	p := &Principal{}
	for kind, values := range kinds {
		switch kind {
		case "AWS":
			for _, v := range values {
				if v == "*" {
					p.All = true
				}
				p.AWS = append(p.AWS, v)
				if acct := AccountOf(v); acct != "" {
					p.Accounts = append(p.Accounts, acct)
				}
			}
		case "Service":
			p.Service = append(p.Service, values...)
		case "Federated":
			p.Federated = append(p.Federated, values...)
		case "CanonicalUser":
			p.CanonicalUser = append(p.CanonicalUser, values...)
		default:
			return nil, fmt.Errorf("unknown principal kind %q", kind)
		}
	}
	sort.Strings(p.AWS)
	sort.Strings(p.Service)
	sort.Strings(p.Federated)
	sort.Strings(p.CanonicalUser)
	p.Accounts = uniqueSorted(p.Accounts)
	return p, nil
}

// AccountOf returns the account id an AWS principal or ARN belongs to: the principal
// itself when it is a 12-digit account id, else the ARN's account field. It returns ""
// for "*" and for anything it cannot read.
func AccountOf(principal string) string {
	if isAccountID(principal) {
		return principal
	}
	parts := strings.SplitN(principal, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && isAccountID(parts[4]) {
		return parts[4]
	}
	return ""
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func parseConditions(block map[string]map[string]json.RawMessage) ([]Condition, error) {
	var out []Condition
	for op, keys := range block {
		base, qualifier, ifExists := splitOperator(op)
		if base == "" {
			return nil, fmt.Errorf("operator %q has no base operator", op)
		}
		for key, raw := range keys {
			values, err := conditionValues(raw)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", op, key, err)
			}
			out = append(out, Condition{
				Operator:  op,
				Base:      base,
				Qualifier: qualifier,
				IfExists:  ifExists,
				Key:       strings.ToLower(key),
				Values:    values,
			})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Operator != out[j].Operator {
			return out[i].Operator < out[j].Operator
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

func splitOperator(op string) (base, qualifier string, ifExists bool) {
	base = op
	if q, rest, ok := strings.Cut(op, ":"); ok {
		qualifier, base = q, rest
	}
	if strings.HasSuffix(base, "IfExists") {
		ifExists = true
		base = strings.TrimSuffix(base, "IfExists")
	}
	return base, qualifier, ifExists
}

// conditionValues reads a condition value: a string, number or boolean, or a list of them.
func conditionValues(raw json.RawMessage) ([]string, error) {
	var items []json.RawMessage
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
	} else {
		items = []json.RawMessage{raw}
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		var v any
		dec := json.NewDecoder(bytes.NewReader(item))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		switch t := v.(type) {
		case string:
			out = append(out, t)
		case json.Number:
			out = append(out, t.String())
		case bool:
			out = append(out, strconv.FormatBool(t))
		default:
			return nil, fmt.Errorf("value %s is not a string, number or boolean", item)
		}
	}
	return out, nil
}

// strictUnmarshal decodes one JSON value, refusing fields that v does not have.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the policy document")
	}
	return nil
}

// stringList is AWS's string-or-list.
type stringList []string

func (l *stringList) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		var list []string
		if err := json.Unmarshal(data, &list); err != nil {
			return err
		}
		*l = list
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	*l = []string{s}
	return nil
}

func lowerAll(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(s)
	}
	return out
}

func uniqueSorted(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	sort.Strings(in)
	out := in[:1]
	for _, s := range in[1:] {
		if s != out[len(out)-1] {
			out = append(out, s)
		}
	}
	return out
}
