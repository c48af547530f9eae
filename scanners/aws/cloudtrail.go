package aws

import (
	"context"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"golang.org/x/sync/errgroup"

	"github.com/custos-dev/custos/internal/inventory"
)

// CloudTrailCollector reads the trails seen from one region: DescribeTrails with
// shadow trails (multi-region trails of other home regions and the organisation's
// trails), GetTrailStatus and GetEventSelectors per trail, ListTags for the account's
// own trails of the region.
//
// Each trail is reported once per account: from its home region, or from the first
// collected region when its home region is not collected. A trail owned by another
// account of the same collection (an organisation trail seen from a member) is left
// to its owner.
type CloudTrailCollector struct {
	client *cloudtrail.Client
	sc     scope
}

// NewCloudTrailCollector builds the collector from a configuration for the region.
func NewCloudTrailCollector(cfg awssdk.Config, sc scope) *CloudTrailCollector {
	return &CloudTrailCollector{client: cloudtrail.NewFromConfig(cfg), sc: sc}
}

// Collect implements Collector.
func (c *CloudTrailCollector) Collect(ctx context.Context) (Found, error) {
	var fails failures
	out, err := c.client.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: awssdk.Bool(true)})
	if err != nil {
		fails.add(ServiceCloudTrail, "DescribeTrails", "", err)
		return Found{}, fails.err()
	}
	collected := map[string]bool{}
	for _, r := range c.sc.regions {
		collected[r] = true
	}
	var trails []*inventory.Trail
	for _, t := range out.TrailList {
		home := awssdk.ToString(t.HomeRegion)
		owner := inventory.AccountOf(awssdk.ToString(t.TrailARN))
		if owner != c.sc.account && c.sc.accounts[owner] {
			continue
		}
		if home != c.sc.region && (collected[home] || len(c.sc.regions) == 0 || c.sc.region != c.sc.regions[0]) {
			continue
		}
		trails = append(trails, &inventory.Trail{
			ARN:                        awssdk.ToString(t.TrailARN),
			Name:                       awssdk.ToString(t.Name),
			HomeRegion:                 home,
			S3BucketName:               awssdk.ToString(t.S3BucketName),
			S3KeyPrefix:                awssdk.ToString(t.S3KeyPrefix),
			KMSKeyID:                   awssdk.ToString(t.KmsKeyId),
			IsMultiRegion:              awssdk.ToBool(t.IsMultiRegionTrail),
			IsOrganizationTrail:        awssdk.ToBool(t.IsOrganizationTrail),
			IncludeGlobalServiceEvents: awssdk.ToBool(t.IncludeGlobalServiceEvents),
			LogFileValidationEnabled:   awssdk.ToBool(t.LogFileValidationEnabled),
		})
	}

	var g errgroup.Group
	g.SetLimit(c.sc.fanout)
	for _, t := range trails {
		g.Go(func() error {
			c.status(ctx, t, &fails)
			return nil
		})
		g.Go(func() error {
			c.selectors(ctx, t, &fails)
			return nil
		})
	}
	g.Go(func() error {
		c.tags(ctx, trails, &fails)
		return nil
	})
	_ = g.Wait()

	found := Found{Trails: make([]inventory.Trail, 0, len(trails))}
	for _, t := range trails {
		found.Trails = append(found.Trails, *t)
	}
	return found, fails.err()
}

func (c *CloudTrailCollector) status(ctx context.Context, t *inventory.Trail, fails *failures) {
	st, err := c.client.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: awssdk.String(t.ARN)})
	if err != nil {
		fails.add(ServiceCloudTrail, "GetTrailStatus", t.ARN, err)
		return
	}
	t.IsLogging = awssdk.ToBool(st.IsLogging)
	t.LatestDeliveryTime = utc(st.LatestDeliveryTime)
	t.LatestDeliveryError = awssdk.ToString(st.LatestDeliveryError)
}

func (c *CloudTrailCollector) selectors(ctx context.Context, t *inventory.Trail, fails *failures) {
	sel, err := c.client.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: awssdk.String(t.ARN)})
	if err != nil {
		fails.add(ServiceCloudTrail, "GetEventSelectors", t.ARN, err)
		return
	}
	var basic []inventory.EventSelector
	for _, e := range sel.EventSelectors {
		es := inventory.EventSelector{
			ReadWriteType:                 string(e.ReadWriteType),
			IncludeManagementEvents:       awssdk.ToBool(e.IncludeManagementEvents),
			ExcludeManagementEventSources: e.ExcludeManagementEventSources,
		}
		for _, d := range e.DataResources {
			es.DataResources = append(es.DataResources, inventory.DataResource{Type: awssdk.ToString(d.Type), Values: d.Values})
		}
		basic = append(basic, es)
	}
	var advanced []inventory.AdvancedEventSelector
	for _, a := range sel.AdvancedEventSelectors {
		as := inventory.AdvancedEventSelector{Name: awssdk.ToString(a.Name), FieldSelectors: []inventory.FieldSelector{}}
		for _, f := range a.FieldSelectors {
			as.FieldSelectors = append(as.FieldSelectors, fieldSelector(f))
		}
		advanced = append(advanced, as)
	}
	t.EventSelectors, t.AdvancedEventSelectors = basic, advanced
}

func fieldSelector(f cttypes.AdvancedFieldSelector) inventory.FieldSelector {
	return inventory.FieldSelector{
		Field:         awssdk.ToString(f.Field),
		Equals:        f.Equals,
		StartsWith:    f.StartsWith,
		EndsWith:      f.EndsWith,
		NotEquals:     f.NotEquals,
		NotStartsWith: f.NotStartsWith,
		NotEndsWith:   f.NotEndsWith,
	}
}

// tags reads the tags of the account's own trails of this region, 20 ARNs a call
// (ListTags answers only for those).
func (c *CloudTrailCollector) tags(ctx context.Context, trails []*inventory.Trail, fails *failures) {
	byARN := map[string]*inventory.Trail{}
	var arns []string
	for _, t := range trails {
		if t.HomeRegion == c.sc.region && inventory.AccountOf(t.ARN) == c.sc.account {
			byARN[t.ARN] = t
			arns = append(arns, t.ARN)
		}
	}
	for start := 0; start < len(arns); start += 20 {
		batch := arns[start:min(start+20, len(arns))]
		p := cloudtrail.NewListTagsPaginator(c.client, &cloudtrail.ListTagsInput{ResourceIdList: batch})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				fails.add(ServiceCloudTrail, "ListTags", batch[0], err)
				break
			}
			for _, rt := range page.ResourceTagList {
				if t := byARN[awssdk.ToString(rt.ResourceId)]; t != nil {
					t.Tags = tagsOf(rt.TagsList, func(tag cttypes.Tag) (*string, *string) { return tag.Key, tag.Value })
				}
			}
		}
	}
}
