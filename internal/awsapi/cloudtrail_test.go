package awsapi

import (
	"context"
	"fmt"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var eventsFrom = time.Date(2024, 5, 31, 10, 0, 0, 0, time.UTC)

// trailEventJSON is a CloudTrail record as AWS documents GetSecretValue and DescribeKey.
func trailEventJSON(i int, at time.Time) string {
	name, source, ident, readOnly := "GetSecretValue", "secretsmanager.amazonaws.com",
		`{"type":"AssumedRole","arn":"arn:aws:sts::111111111111:assumed-role/app/i-0abc","accountId":"111111111111","accessKeyId":"ASIAAPP00000000001","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111111111111:role/app","userName":"app"}}}`, true
	resources := `[{"accountId":"111111111111","type":"AWS::SecretsManager::Secret","ARN":"arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/db-AbCdEf"}]`
	if i%3 == 2 {
		name, source, ident, readOnly = "ScheduleKeyDeletion", "kms.amazonaws.com",
			`{"type":"IAMUser","arn":"arn:aws:iam::111111111111:user/alice","accountId":"111111111111","accessKeyId":"AKIAALICE00000000001","userName":"alice"}`, false
		resources = `[{"accountId":"111111111111","type":"AWS::KMS::Key","ARN":"arn:aws:kms:eu-west-1:111111111111:key/k1"}]`
	}
	return fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":%s,"eventTime":%q,"eventSource":%q,"eventName":%q,"awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.10","userAgent":"aws-cli/2.15.30","requestParameters":null,"responseElements":null,"eventID":"ev-%02d","readOnly":%v,"resources":%s,"eventType":"AwsApiCall","recipientAccountId":"111111111111"}`,
		ident, at.Format(time.RFC3339), source, name, i, readOnly, resources)
}

func eventsWorld(t *testing.T) World {
	w := testWorld(t)
	var events []string
	for i := range 9 {
		events = append(events, trailEventJSON(i, eventsFrom.Add(time.Duration(i)*time.Minute)))
	}
	w.Accounts[0].CloudTrailEvents = map[string][]string{"eu-west-1": events, "us-east-1": {trailEventJSON(99, eventsFrom)}}
	return w
}

func lookup(t *testing.T, c *cloudtrail.Client, in *cloudtrail.LookupEventsInput) (ids []string, pages int) {
	t.Helper()
	p := cloudtrail.NewLookupEventsPaginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		require.NoError(t, err)
		pages++
		for _, e := range page.Events {
			ids = append(ids, awssdk.ToString(e.EventId))
			require.NotNil(t, e.CloudTrailEvent)
			assert.Contains(t, *e.CloudTrailEvent, `"eventID":"`+awssdk.ToString(e.EventId)+`"`, "the raw event is served as seeded")
		}
	}
	return ids, pages
}

func TestLookupEvents(t *testing.T) {
	t.Parallel()
	srv := New(t, eventsWorld(t), Options{})
	c := cloudtrail.NewFromConfig(sdkConfig(srv, "eu-west-1", key))
	at := func(m int) *time.Time { t := eventsFrom.Add(time.Duration(m) * time.Minute); return &t }
	attr := func(k types.LookupAttributeKey, v string) []types.LookupAttribute {
		return []types.LookupAttribute{{AttributeKey: k, AttributeValue: awssdk.String(v)}}
	}
	tests := []struct {
		name  string
		in    cloudtrail.LookupEventsInput
		want  []string
		pages int
	}{
		{name: "all, newest first", want: []string{"ev-08", "ev-07", "ev-06", "ev-05", "ev-04", "ev-03", "ev-02", "ev-01", "ev-00"}, pages: 1},
		{name: "pages of two", in: cloudtrail.LookupEventsInput{MaxResults: awssdk.Int32(2)},
			want: []string{"ev-08", "ev-07", "ev-06", "ev-05", "ev-04", "ev-03", "ev-02", "ev-01", "ev-00"}, pages: 5},
		{name: "window, both ends inclusive", in: cloudtrail.LookupEventsInput{StartTime: at(2), EndTime: at(4)}, want: []string{"ev-04", "ev-03", "ev-02"}, pages: 1},
		{name: "from", in: cloudtrail.LookupEventsInput{StartTime: at(7)}, want: []string{"ev-08", "ev-07"}, pages: 1},
		{name: "until, paged", in: cloudtrail.LookupEventsInput{EndTime: at(2), MaxResults: awssdk.Int32(1)}, want: []string{"ev-02", "ev-01", "ev-00"}, pages: 3},
		{name: "event name", in: cloudtrail.LookupEventsInput{LookupAttributes: attr(types.LookupAttributeKeyEventName, "ScheduleKeyDeletion")}, want: []string{"ev-08", "ev-05", "ev-02"}, pages: 1},
		{name: "event source", in: cloudtrail.LookupEventsInput{LookupAttributes: attr(types.LookupAttributeKeyEventSource, "kms.amazonaws.com"), StartTime: at(3)}, want: []string{"ev-08", "ev-05"}, pages: 1},
		{name: "user name of an IAM user", in: cloudtrail.LookupEventsInput{LookupAttributes: attr(types.LookupAttributeKeyUsername, "alice")}, want: []string{"ev-08", "ev-05", "ev-02"}, pages: 1},
		{name: "user name of a role session", in: cloudtrail.LookupEventsInput{LookupAttributes: attr(types.LookupAttributeKeyUsername, "i-0abc"), EndTime: at(1)}, want: []string{"ev-01", "ev-00"}, pages: 1},
		{name: "resource name", in: cloudtrail.LookupEventsInput{LookupAttributes: attr(types.LookupAttributeKeyResourceName, "arn:aws:kms:eu-west-1:111111111111:key/k1"), EndTime: at(3)}, want: []string{"ev-02"}, pages: 1},
		{name: "resource type", in: cloudtrail.LookupEventsInput{LookupAttributes: attr(types.LookupAttributeKeyResourceType, "AWS::SecretsManager::Secret"), StartTime: at(6)}, want: []string{"ev-07", "ev-06"}, pages: 1},
		{name: "access key", in: cloudtrail.LookupEventsInput{LookupAttributes: attr(types.LookupAttributeKeyAccessKeyId, "AKIAALICE00000000001"), StartTime: at(6)}, want: []string{"ev-08"}, pages: 1},
		{name: "read only", in: cloudtrail.LookupEventsInput{LookupAttributes: attr(types.LookupAttributeKeyReadOnly, "false")}, want: []string{"ev-08", "ev-05", "ev-02"}, pages: 1},
		{name: "event id", in: cloudtrail.LookupEventsInput{LookupAttributes: attr(types.LookupAttributeKeyEventId, "ev-04")}, want: []string{"ev-04"}, pages: 1},
		{name: "nothing in the window", in: cloudtrail.LookupEventsInput{StartTime: at(60)}, pages: 1},
		{name: "insight events are not emulated", in: cloudtrail.LookupEventsInput{EventCategory: types.EventCategoryInsight}, pages: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			ids, pages := lookup(t, c, &in)
			assert.Equal(t, tt.want, ids)
			assert.Equal(t, tt.pages, pages)
		})
	}

	t.Run("events of the region signed for", func(t *testing.T) {
		ids, _ := lookup(t, cloudtrail.NewFromConfig(sdkConfig(srv, "us-east-1", key)), &cloudtrail.LookupEventsInput{})
		assert.Equal(t, []string{"ev-99"}, ids)
	})

	t.Run("errors", func(t *testing.T) {
		ctx := context.Background()
		first, err := c.LookupEvents(ctx, &cloudtrail.LookupEventsInput{MaxResults: awssdk.Int32(1)})
		require.NoError(t, err)
		require.NotNil(t, first.NextToken)
		tests := []struct {
			name string
			in   cloudtrail.LookupEventsInput
			want string
		}{
			{name: "two attributes", in: cloudtrail.LookupEventsInput{LookupAttributes: append(attr(types.LookupAttributeKeyEventName, "x"), attr(types.LookupAttributeKeyUsername, "y")...)}, want: "InvalidLookupAttributesException"},
			{name: "unknown attribute", in: cloudtrail.LookupEventsInput{LookupAttributes: attr("Region", "eu-west-1")}, want: "InvalidLookupAttributesException"},
			{name: "too many results", in: cloudtrail.LookupEventsInput{MaxResults: awssdk.Int32(51)}, want: "InvalidMaxResultsException"},
			{name: "start after end", in: cloudtrail.LookupEventsInput{StartTime: at(5), EndTime: at(4)}, want: "InvalidTimeRangeException"},
			{name: "token of another question", in: cloudtrail.LookupEventsInput{StartTime: at(1), NextToken: first.NextToken}, want: "InvalidNextTokenException"},
			{name: "forged token", in: cloudtrail.LookupEventsInput{NextToken: awssdk.String("forged")}, want: "InvalidNextTokenException"},
		}
		for _, tt := range tests {
			in := tt.in
			_, err := c.LookupEvents(ctx, &in)
			assert.Equal(t, tt.want, code(err), tt.name)
		}
	})
}

func TestLookupEventsFaultsAndSeed(t *testing.T) {
	t.Parallel()
	srv := New(t, eventsWorld(t), Options{})
	srv.Inject(Fault{Service: "cloudtrail", Operation: "LookupEvents", Kind: Throttle, Times: 1})
	c := cloudtrail.NewFromConfig(sdkConfig(srv, "eu-west-1", key))
	_, err := c.LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{})
	assert.Equal(t, "ThrottlingException", code(err))
	_, err = c.LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{})
	assert.NoError(t, err)
	assert.Equal(t, 2, srv.Calls(Call{Service: "cloudtrail", Operation: "LookupEvents", Region: "eu-west-1"}))

	tb := &fakeTB{TB: t}
	w := eventsWorld(t)
	w.Accounts[0].CloudTrailEvents["eu-west-1"] = append(w.Accounts[0].CloudTrailEvents["eu-west-1"], `{"Records":`, `{"eventID":"x","eventTime":"yesterday"}`)
	New(tb, w, Options{})
	require.Len(t, tb.errors, 2, "seed events that cannot be served fail the test")
	assert.Contains(t, tb.errors[0], `CloudTrailEvents["eu-west-1"][9]: not CloudTrail event JSON`)
	assert.Contains(t, tb.errors[1], `CloudTrailEvents["eu-west-1"][10]: eventTime`)
}
