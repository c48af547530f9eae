package inventory

import "time"

// IAM is the identity side of one account: principals, their policies and keys.
type IAM struct {
	Users    []User          `json:"users"`
	Roles    []Role          `json:"roles"`
	Groups   []Group         `json:"groups"`
	Policies []ManagedPolicy `json:"policies"`
	// Root describes the account's root user, when the summary could be read.
	Root *RootUser `json:"root,omitempty"`
}

// RootUser is what IAM's account summary says about the root user.
type RootUser struct {
	AccessKeysPresent bool `json:"access_keys_present"`
	MFAEnabled        bool `json:"mfa_enabled"`
}

// InlinePolicy is a policy embedded in a user, role or group.
type InlinePolicy struct {
	Name     string `json:"name"`
	Document Policy `json:"document"`
}

// AttachedPolicy names a managed policy attached to a principal.
type AttachedPolicy struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
}

// User is an IAM user.
type User struct {
	ARN                 string           `json:"arn"`
	Name                string           `json:"name"`
	UserID              string           `json:"user_id,omitempty"`
	Path                string           `json:"path,omitempty"`
	CreateDate          *time.Time       `json:"create_date,omitempty"`
	PasswordLastUsed    *time.Time       `json:"password_last_used,omitempty"`
	Groups              []string         `json:"groups,omitempty"`
	InlinePolicies      []InlinePolicy   `json:"inline_policies,omitempty"`
	AttachedPolicies    []AttachedPolicy `json:"attached_policies,omitempty"`
	PermissionsBoundary string           `json:"permissions_boundary,omitempty"`
	AccessKeys          []AccessKey      `json:"access_keys,omitempty"`
	Tags                Tags             `json:"tags"`
}

// AccessKey is an IAM user's access key. The secret half is never collected.
type AccessKey struct {
	AccessKeyID     string     `json:"access_key_id"`
	Status          string     `json:"status"`
	CreateDate      *time.Time `json:"create_date,omitempty"`
	LastUsedDate    *time.Time `json:"last_used_date,omitempty"`
	LastUsedService string     `json:"last_used_service,omitempty"`
	LastUsedRegion  string     `json:"last_used_region,omitempty"`
}

// Role is an IAM role.
type Role struct {
	ARN                 string           `json:"arn"`
	Name                string           `json:"name"`
	RoleID              string           `json:"role_id,omitempty"`
	Path                string           `json:"path,omitempty"`
	Description         string           `json:"description,omitempty"`
	CreateDate          *time.Time       `json:"create_date,omitempty"`
	TrustPolicy         *Policy          `json:"trust_policy,omitempty"`
	InlinePolicies      []InlinePolicy   `json:"inline_policies,omitempty"`
	AttachedPolicies    []AttachedPolicy `json:"attached_policies,omitempty"`
	PermissionsBoundary string           `json:"permissions_boundary,omitempty"`
	MaxSessionDuration  int              `json:"max_session_duration,omitempty"`
	LastUsedDate        *time.Time       `json:"last_used_date,omitempty"`
	LastUsedRegion      string           `json:"last_used_region,omitempty"`
	Tags                Tags             `json:"tags"`
}

// Group is an IAM group.
type Group struct {
	ARN              string           `json:"arn"`
	Name             string           `json:"name"`
	GroupID          string           `json:"group_id,omitempty"`
	Path             string           `json:"path,omitempty"`
	CreateDate       *time.Time       `json:"create_date,omitempty"`
	InlinePolicies   []InlinePolicy   `json:"inline_policies,omitempty"`
	AttachedPolicies []AttachedPolicy `json:"attached_policies,omitempty"`
}

// ManagedPolicy is a managed IAM policy with its default version's document.
type ManagedPolicy struct {
	ARN              string     `json:"arn"`
	Name             string     `json:"name"`
	PolicyID         string     `json:"policy_id,omitempty"`
	Path             string     `json:"path,omitempty"`
	Description      string     `json:"description,omitempty"`
	AWSManaged       bool       `json:"aws_managed"`
	DefaultVersionID string     `json:"default_version_id,omitempty"`
	AttachmentCount  int        `json:"attachment_count"`
	IsAttachable     bool       `json:"is_attachable"`
	CreateDate       *time.Time `json:"create_date,omitempty"`
	UpdateDate       *time.Time `json:"update_date,omitempty"`
	Document         Policy     `json:"document"`
}
