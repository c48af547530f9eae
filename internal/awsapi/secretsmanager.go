package awsapi

import (
	"sort"
	"strconv"

	"github.com/custos-dev/custos/internal/inventory"
)

type smTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type smRotationRules struct {
	AutomaticallyAfterDays *int64 `json:"AutomaticallyAfterDays,omitempty"`
	Duration               string `json:"Duration,omitempty"`
	ScheduleExpression     string `json:"ScheduleExpression,omitempty"`
}

type smSecret struct {
	ARN               string                `json:"ARN"`
	Name              string                `json:"Name"`
	Description       string                `json:"Description,omitempty"`
	KmsKeyID          string                `json:"KmsKeyId,omitempty"`
	RotationEnabled   bool                  `json:"RotationEnabled"`
	RotationLambdaARN string                `json:"RotationLambdaARN,omitempty"`
	RotationRules     *smRotationRules      `json:"RotationRules,omitempty"`
	LastRotatedDate   *epoch                `json:"LastRotatedDate,omitempty"`
	LastChangedDate   *epoch                `json:"LastChangedDate,omitempty"`
	LastAccessedDate  *epoch                `json:"LastAccessedDate,omitempty"`
	DeletedDate       *epoch                `json:"DeletedDate,omitempty"`
	NextRotationDate  *epoch                `json:"NextRotationDate,omitempty"`
	CreatedDate       *epoch                `json:"CreatedDate,omitempty"`
	Tags              []smTag               `json:"Tags,omitempty"`
	OwningService     string                `json:"OwningService,omitempty"`
	PrimaryRegion     string                `json:"PrimaryRegion,omitempty"`
	SecretVersions    map[string][]string   `json:"SecretVersionsToStages,omitempty"`
	ReplicationStatus []smReplicationStatus `json:"ReplicationStatus,omitempty"`
}

type smReplicationStatus struct {
	Region           string `json:"Region"`
	KmsKeyID         string `json:"KmsKeyId,omitempty"`
	Status           string `json:"Status,omitempty"`
	StatusMessage    string `json:"StatusMessage,omitempty"`
	LastAccessedDate *epoch `json:"LastAccessedDate,omitempty"`
}

func secretJSON(s *inventory.Secret) smSecret {
	out := smSecret{
		ARN:               s.ARN,
		Name:              s.Name,
		Description:       s.Description,
		KmsKeyID:          s.KMSKeyID,
		RotationEnabled:   s.RotationEnabled,
		RotationLambdaARN: s.RotationLambdaARN,
		LastRotatedDate:   epochOf(s.LastRotatedDate),
		LastChangedDate:   epochOf(s.LastChangedDate),
		LastAccessedDate:  epochOf(s.LastAccessedDate),
		DeletedDate:       epochOf(s.DeletedDate),
		NextRotationDate:  epochOf(s.NextRotationDate),
		CreatedDate:       epochOf(s.CreatedDate),
		Tags:              smTags(s.Tags),
		OwningService:     s.OwningService,
		PrimaryRegion:     s.PrimaryRegion,
		SecretVersions:    map[string][]string{"v-" + strconv.Itoa(len(s.Name)): {"AWSCURRENT"}},
	}
	if r := s.RotationRules; r != nil {
		out.RotationRules = &smRotationRules{Duration: r.Duration, ScheduleExpression: r.ScheduleExpression}
		if r.AutomaticallyAfterDays > 0 {
			days := int64(r.AutomaticallyAfterDays)
			out.RotationRules.AutomaticallyAfterDays = &days
		}
	}
	return out
}

func smTags(tags inventory.Tags) []smTag {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]smTag, 0, len(keys))
	for _, k := range keys {
		out = append(out, smTag{Key: k, Value: tags[k]})
	}
	return out
}

func (s *Server) smListSecrets(req *request) (any, *apiError) {
	var in struct {
		MaxResults             int
		NextToken              string
		IncludePlannedDeletion bool
		Filters                []any
		SortOrder              string
		SortBy                 string
	}
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	var visible []*inventory.Secret
	for _, sec := range req.acct.secrets[req.region] {
		if sec.DeletedDate != nil && !in.IncludePlannedDeletion {
			continue
		}
		visible = append(visible, sec)
	}
	start, end, next, e := s.page(req, "secrets", len(visible), in.MaxResults, 100, in.NextToken)
	if e != nil {
		return nil, e
	}
	list := make([]smSecret, 0, end-start)
	for _, sec := range visible[start:end] {
		list = append(list, secretJSON(sec))
	}
	out := map[string]any{"SecretList": list}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func (s *Server) smSecret(req *request, id string) (*inventory.Secret, *apiError) {
	for _, sec := range req.acct.secrets[req.region] {
		if sec.ARN == id || sec.Name == id {
			return sec, nil
		}
	}
	return nil, errorf(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
}

func (s *Server) smGetResourcePolicy(req *request) (any, *apiError) {
	var in struct{ SecretId string }
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	sec, e := s.smSecret(req, in.SecretId)
	if e != nil {
		return nil, e
	}
	out := map[string]any{"ARN": sec.ARN, "Name": sec.Name}
	if sec.ResourcePolicy != nil {
		out["ResourcePolicy"] = PolicyJSON(*sec.ResourcePolicy)
	}
	return out, nil
}

func (s *Server) smDescribeSecret(req *request) (any, *apiError) {
	var in struct{ SecretId string }
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	sec, e := s.smSecret(req, in.SecretId)
	if e != nil {
		return nil, e
	}
	out := secretJSON(sec)
	out.SecretVersions = nil
	for _, r := range sec.Replicas {
		out.ReplicationStatus = append(out.ReplicationStatus, smReplicationStatus{
			Region: r.Region, KmsKeyID: r.KMSKeyID, Status: r.Status, StatusMessage: r.StatusMessage,
			LastAccessedDate: epochOf(r.LastAccessedDate),
		})
	}
	return out, nil
}
