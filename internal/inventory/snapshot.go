// Package inventory is custos's typed model of what it collected: one schema for every
// source (live AWS, a snapshot file, the demo). Collectors fill it, policies judge it.
//
// Every policy document in the model is held in the canonical shape built by
// ParsePolicy: lists everywhere, actions lower-cased, principals split by kind.
package inventory

import "time"

// SchemaVersion is the version of the snapshot format written by this build.
// Readers accept exactly this version; the format is documented in docs/snapshot.schema.json.
const SchemaVersion = "1"

// Snapshot is one collection run: the accounts seen and what could not be seen.
type Snapshot struct {
	SchemaVersion string    `json:"schema_version"`
	GeneratedAt   time.Time `json:"generated_at"`
	// Identity is the caller identity the collection ran as (an ARN), if known.
	Identity string `json:"identity,omitempty"`
	// Scope says what was collected, e.g. "account 123456789012, regions eu-west-1,us-east-1".
	Scope    string     `json:"scope,omitempty"`
	Accounts []Account  `json:"accounts"`
	Coverage []Coverage `json:"coverage"`
}

// Account holds everything collected from one AWS account, all regions together.
type Account struct {
	ID             string `json:"id"`
	Name           string `json:"name,omitempty"`
	OrganizationID string `json:"organization_id,omitempty"`
	// Partition is "aws" unless collected from aws-cn or aws-us-gov.
	Partition string   `json:"partition,omitempty"`
	Regions   []string `json:"regions,omitempty"`
	Secrets   []Secret `json:"secrets"`
	Keys      []Key    `json:"keys"`
	IAM       IAM      `json:"iam"`
	Trails    []Trail  `json:"trails"`
}

// Coverage records whether one service in one account and region was seen.
// Any status other than CoverageOK makes a scan incomplete.
type Coverage struct {
	Account   string         `json:"account"`
	Region    string         `json:"region"`
	Service   string         `json:"service"`
	Operation string         `json:"operation,omitempty"`
	Status    CoverageStatus `json:"status"`
	Error     string         `json:"error,omitempty"`
}

// CoverageStatus is the outcome of collecting one service.
type CoverageStatus string

// Coverage outcomes.
const (
	CoverageOK         CoverageStatus = "ok"
	CoverageDenied     CoverageStatus = "denied"
	CoverageThrottled  CoverageStatus = "throttled"
	CoverageFailed     CoverageStatus = "failed"
	CoverageNotEnabled CoverageStatus = "region_not_enabled"
	CoverageSkipped    CoverageStatus = "skipped"
)

// Complete reports whether every coverage record is ok.
func Complete(cov []Coverage) bool {
	for _, c := range cov {
		if c.Status != CoverageOK {
			return false
		}
	}
	return true
}

// Secret is the metadata of one Secrets Manager secret. The value is never collected.
type Secret struct {
	ARN         string `json:"arn"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Region      string `json:"region"`
	// KMSKeyID is the key as Secrets Manager reports it (id, ARN or alias); empty means
	// the AWS-managed key aws/secretsmanager.
	KMSKeyID          string         `json:"kms_key_id,omitempty"`
	RotationEnabled   bool           `json:"rotation_enabled"`
	RotationLambdaARN string         `json:"rotation_lambda_arn,omitempty"`
	RotationRules     *RotationRules `json:"rotation_rules,omitempty"`
	LastRotatedDate   *time.Time     `json:"last_rotated_date,omitempty"`
	LastChangedDate   *time.Time     `json:"last_changed_date,omitempty"`
	LastAccessedDate  *time.Time     `json:"last_accessed_date,omitempty"`
	NextRotationDate  *time.Time     `json:"next_rotation_date,omitempty"`
	CreatedDate       *time.Time     `json:"created_date,omitempty"`
	DeletedDate       *time.Time     `json:"deleted_date,omitempty"`
	Tags              Tags           `json:"tags"`
	ResourcePolicy    *Policy        `json:"resource_policy,omitempty"`
	PrimaryRegion     string         `json:"primary_region,omitempty"`
	Replicas          []Replica      `json:"replicas,omitempty"`
	// OwningService names the AWS service that manages the secret (e.g. "rds"), if any.
	OwningService string `json:"owning_service,omitempty"`
}

// RotationRules is a secret's rotation schedule.
type RotationRules struct {
	AutomaticallyAfterDays int    `json:"automatically_after_days,omitempty"`
	ScheduleExpression     string `json:"schedule_expression,omitempty"`
	Duration               string `json:"duration,omitempty"`
}

// Replica is a secret's copy in another region.
type Replica struct {
	Region           string     `json:"region"`
	KMSKeyID         string     `json:"kms_key_id,omitempty"`
	Status           string     `json:"status,omitempty"`
	StatusMessage    string     `json:"status_message,omitempty"`
	LastAccessedDate *time.Time `json:"last_accessed_date,omitempty"`
}

// Key is one KMS key with its policy, grants and aliases.
type Key struct {
	ARN         string `json:"arn"`
	KeyID       string `json:"key_id"`
	Region      string `json:"region"`
	Description string `json:"description,omitempty"`
	// KeyManager is "AWS" or "CUSTOMER".
	KeyManager string `json:"key_manager"`
	// KeySpec is SYMMETRIC_DEFAULT, RSA_2048, HMAC_256, ECC_NIST_P256, …
	KeySpec string `json:"key_spec"`
	// KeyUsage is ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC or KEY_AGREEMENT.
	KeyUsage string `json:"key_usage"`
	// KeyState is Enabled, Disabled, PendingDeletion, PendingImport, PendingReplicaDeletion,
	// Unavailable, Creating or Updating.
	KeyState string `json:"key_state"`
	Enabled  bool   `json:"enabled"`
	// Origin is AWS_KMS, EXTERNAL, AWS_CLOUDHSM or EXTERNAL_KEY_STORE.
	Origin             string     `json:"origin"`
	MultiRegion        bool       `json:"multi_region"`
	RotationEnabled    bool       `json:"rotation_enabled"`
	RotationPeriodDays int        `json:"rotation_period_days,omitempty"`
	NextRotationDate   *time.Time `json:"next_rotation_date,omitempty"`
	KeyPolicy          *Policy    `json:"key_policy,omitempty"`
	Grants             []Grant    `json:"grants,omitempty"`
	Aliases            []string   `json:"aliases,omitempty"`
	Tags               Tags       `json:"tags"`
	CreationDate       *time.Time `json:"creation_date,omitempty"`
	DeletionDate       *time.Time `json:"deletion_date,omitempty"`
	// ValidTo is when imported key material expires (Origin EXTERNAL only).
	ValidTo *time.Time `json:"valid_to,omitempty"`
}

// Grant is a KMS grant on a key.
type Grant struct {
	GrantID           string            `json:"grant_id"`
	Name              string            `json:"name,omitempty"`
	GranteePrincipal  string            `json:"grantee_principal"`
	RetiringPrincipal string            `json:"retiring_principal,omitempty"`
	IssuingAccount    string            `json:"issuing_account,omitempty"`
	Operations        []string          `json:"operations"`
	Constraints       *GrantConstraints `json:"constraints,omitempty"`
	CreationDate      *time.Time        `json:"creation_date,omitempty"`
}

// GrantConstraints limit a grant to an encryption context.
type GrantConstraints struct {
	EncryptionContextSubset map[string]string `json:"encryption_context_subset,omitempty"`
	EncryptionContextEquals map[string]string `json:"encryption_context_equals,omitempty"`
}

// Trail is one CloudTrail trail, as seen from its home region (or as a shadow trail).
type Trail struct {
	ARN                        string                  `json:"arn"`
	Name                       string                  `json:"name"`
	HomeRegion                 string                  `json:"home_region"`
	S3BucketName               string                  `json:"s3_bucket_name,omitempty"`
	S3KeyPrefix                string                  `json:"s3_key_prefix,omitempty"`
	KMSKeyID                   string                  `json:"kms_key_id,omitempty"`
	IsMultiRegion              bool                    `json:"is_multi_region"`
	IsOrganizationTrail        bool                    `json:"is_organization_trail"`
	IncludeGlobalServiceEvents bool                    `json:"include_global_service_events"`
	LogFileValidationEnabled   bool                    `json:"log_file_validation_enabled"`
	IsLogging                  bool                    `json:"is_logging"`
	LatestDeliveryTime         *time.Time              `json:"latest_delivery_time,omitempty"`
	LatestDeliveryError        string                  `json:"latest_delivery_error,omitempty"`
	EventSelectors             []EventSelector         `json:"event_selectors,omitempty"`
	AdvancedEventSelectors     []AdvancedEventSelector `json:"advanced_event_selectors,omitempty"`
	Tags                       Tags                    `json:"tags"`
}

// EventSelector is a basic CloudTrail event selector.
type EventSelector struct {
	// ReadWriteType is ReadOnly, WriteOnly or All.
	ReadWriteType                 string         `json:"read_write_type"`
	IncludeManagementEvents       bool           `json:"include_management_events"`
	ExcludeManagementEventSources []string       `json:"exclude_management_event_sources,omitempty"`
	DataResources                 []DataResource `json:"data_resources,omitempty"`
}

// DataResource selects data events of one resource type.
type DataResource struct {
	Type   string   `json:"type"`
	Values []string `json:"values,omitempty"`
}

// AdvancedEventSelector is a CloudTrail advanced event selector.
type AdvancedEventSelector struct {
	Name           string          `json:"name,omitempty"`
	FieldSelectors []FieldSelector `json:"field_selectors"`
}

// FieldSelector is one condition of an advanced event selector.
type FieldSelector struct {
	Field         string   `json:"field"`
	Equals        []string `json:"equals,omitempty"`
	StartsWith    []string `json:"starts_with,omitempty"`
	EndsWith      []string `json:"ends_with,omitempty"`
	NotEquals     []string `json:"not_equals,omitempty"`
	NotStartsWith []string `json:"not_starts_with,omitempty"`
	NotEndsWith   []string `json:"not_ends_with,omitempty"`
}

// Tags are resource tags. AWS keeps tag keys unique per resource, so a map loses nothing.
type Tags map[string]string
