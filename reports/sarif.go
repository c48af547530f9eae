package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/internal/inventory"
)

// SARIF writes a SARIF 2.1.0 log that GitHub code scanning accepts: every result has a
// physical location, rules carry security-severity, suppressed findings carry suppressions,
// and an incomplete scan is an unsuccessful invocation.
//
// Cloud resources have no file, so their artifact URI is derived from the ARN as
// <partition>/<account>/<region>/<service>/<resource path> (region "global" for global
// services such as IAM, "-" for an empty part), each segment percent-encoded, with line 1
// as the region. Repository findings use the path relative to %SRCROOT% and their lines.
type SARIF struct{}

var _ Writer = SARIF{}

// SARIFFingerprintKey is the partialFingerprints key under which the custos fingerprint
// (rule + resource + discriminator, stable across runs) is written.
const SARIFFingerprintKey = "custosFingerprint/v1"

// srcRoot is the uriBaseId of repository paths.
const srcRoot = "%SRCROOT%"

// sarifLevel maps a severity to a SARIF result level.
func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Critical, finding.High:
		return sarif.LevelError
	case finding.Medium:
		return sarif.LevelWarning
	default:
		return sarif.LevelNote
	}
}

// securitySeverity maps a severity to GitHub's security-severity score (a string, as
// GitHub documents it).
func securitySeverity(s finding.Severity) string {
	score := map[finding.Severity]string{
		finding.Critical: "9.5",
		finding.High:     "8.0",
		finding.Medium:   "5.5",
		finding.Low:      "3.0",
		finding.Info:     "0.0",
	}[s]
	if score == "" {
		return "0.0"
	}
	return score
}

// Write encodes r as an indented SARIF 2.1.0 log with one run.
func (SARIF) Write(w io.Writer, r Report) error {
	log := sarif.NewReport()
	run := sarif.NewRun()

	driver := sarif.NewToolComponent()
	driver.Name = ptr(r.Tool.Name)
	if r.Tool.Version != "" {
		driver.Version = ptr(r.Tool.Version)
	}
	driver.InformationURI = ptr("https://github.com/custos-dev/custos")
	rules := ruleCatalog(r)
	ruleIndex := make(map[string]int, len(rules))
	for i, rule := range rules {
		ruleIndex[rule.ID] = i
		driver.Rules = append(driver.Rules, sarifRule(rule))
	}
	run.Tool = sarif.NewTool()
	run.Tool.Driver = driver

	run.OriginalUriBaseIds = map[string]sarif.ArtifactLocation{}
	for _, f := range r.Findings {
		if f.Location != nil {
			run.OriginalUriBaseIds[srcRoot] = sarif.ArtifactLocation{
				Index:       -1,
				Description: sarif.NewTextMessage("The root of the scanned repository."),
			}
			break
		}
	}
	if len(run.OriginalUriBaseIds) == 0 {
		run.OriginalUriBaseIds = nil
	}

	props := sarif.NewPropertyBag()
	props.Add("scope", r.Run.Scope)
	props.Add("identity", r.Run.Identity)
	props.Add("policy_bundle_sha256", r.Run.PolicyBundleSHA256)
	run.Properties = props

	run.AddInvocation(sarifInvocation(r))

	for _, f := range r.Findings {
		res, err := sarifResult(f, ruleIndex[f.RuleID])
		if err != nil {
			return err
		}
		run.AddResult(res)
	}
	log.AddRun(run)

	// Encode through encoding/json ourselves (map keys sorted) rather than the library's
	// writer, which also rewrites artifacts.
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("sarif report: %w", err)
	}
	if _, err := io.WriteString(w, buf.String()); err != nil {
		return fmt.Errorf("sarif report: %w", err)
	}
	return nil
}

// sarifRule describes one rule: descriptions, help in text and markdown (with the
// remediation), default level, security-severity and tags.
func sarifRule(rule finding.Rule) *sarif.ReportingDescriptor {
	d := sarif.NewReportingDescriptor()
	d.ID = ptr(rule.ID)
	d.Name = ptr(ruleName(rule.ID))
	title := rule.Title
	if title == "" {
		title = rule.ID
	}
	description := rule.Description
	if description == "" {
		description = title
	}
	d.ShortDescription = &sarif.MultiformatMessageString{Text: ptr(title)}
	d.FullDescription = &sarif.MultiformatMessageString{Text: ptr(description)}

	controls := controlIDs(rule.Controls)
	text := description
	md := "**" + markdownEscape(title) + "**\n\n" + markdownEscape(description)
	if rule.Remediation != "" {
		text += "\n\nRemediation: " + rule.Remediation
		md += "\n\n**Remediation:** " + markdownEscape(rule.Remediation)
	}
	if len(controls) > 0 {
		text += "\n\nControls: " + strings.Join(controls, ", ")
		md += "\n\n**Controls:** " + markdownEscape(strings.Join(controls, ", "))
	}
	d.Help = &sarif.MultiformatMessageString{Text: ptr(text), Markdown: ptr(md)}

	cfg := sarif.NewReportingConfiguration()
	cfg.Level = sarifLevel(rule.Severity)
	d.DefaultConfiguration = cfg

	props := sarif.NewPropertyBag()
	props.Add("security-severity", securitySeverity(rule.Severity))
	props.Add("severity", string(rule.Severity))
	if rule.Source != "" {
		props.Add("source", rule.Source)
	}
	props.Tags = ruleTags(rule.ResourceType, controls)
	d.Properties = props
	return d
}

// ruleTags are "security", the resource type and the controls, without duplicates.
func ruleTags(resourceType string, controls []string) []string {
	tags := []string{"security"}
	if resourceType != "" {
		tags = append(tags, resourceType)
	}
	return append(tags, controls...)
}

// ruleName turns a kebab-case rule id into the PascalCase name SARIF viewers show.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// markdownEscape keeps rule metadata from being read as markdown or HTML by a viewer.
func markdownEscape(s string) string {
	const special = "\\`*_{}[]()#!|<>&"
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(special, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sarifInvocation records the run times and whether the run covered everything: a coverage
// record that is not ok makes the invocation unsuccessful, with one notification each.
func sarifInvocation(r Report) *sarif.Invocation {
	inv := sarif.NewInvocation()
	inv.Arguments = nil
	inv.ResponseFiles = nil
	inv.StartTimeUtc = ptr(timestamp(r.Run.StartedAt))
	inv.EndTimeUtc = ptr(timestamp(r.Run.FinishedAt))
	inv.ExecutionSuccessful = ptr(!r.Incomplete())
	for _, c := range r.notAssessed() {
		n := sarif.NewNotification()
		n.Level = sarif.LevelError
		n.Message = sarif.NewTextMessage(coverageText(c))
		props := sarif.NewPropertyBag()
		props.Add("account", c.Account)
		props.Add("region", c.Region)
		props.Add("service", c.Service)
		props.Add("operation", c.Operation)
		props.Add("status", string(c.Status))
		props.Add("error", c.Error)
		n.Properties = props
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	return inv
}

// coverageText is one sentence about a coverage record that is not ok.
func coverageText(c inventory.Coverage) string {
	where := c.Service
	if c.Operation != "" {
		where += " " + c.Operation
	}
	msg := fmt.Sprintf("not assessed: %s in account %s, region %s: %s", where, orDash(c.Account), orDash(c.Region), c.Status)
	if c.Error != "" {
		msg += ": " + c.Error
	}
	return msg
}

// sarifResult turns one finding into a result.
func sarifResult(f finding.Finding, ruleIndex int) (*sarif.Result, error) {
	res := sarif.NewResult()
	res.RuleID = ptr(f.RuleID)
	res.RuleIndex = ruleIndex
	res.Level = sarifLevel(f.Severity)
	if f.Status == finding.Error {
		// The rule could not be evaluated on this resource: not a verdict, a prompt to look.
		res.Kind = "review"
		res.Level = sarif.LevelNone
	}
	res.Message = sarif.NewTextMessage(f.Message)
	res.PartialFingerprints = map[string]string{SARIFFingerprintKey: f.Fingerprint}

	loc := sarif.NewLocation()
	loc.ID = -1
	phys, err := physicalLocation(f)
	if err != nil {
		return nil, err
	}
	loc.PhysicalLocation = phys
	ll := sarif.NewLogicalLocation()
	ll.Name = ptr(resourceLabel(f.Resource))
	if f.Resource.ARN != "" {
		ll.FullyQualifiedName = ptr(f.Resource.ARN)
	}
	if f.Resource.Type != "" {
		ll.Kind = ptr(f.Resource.Type)
	}
	loc.LogicalLocations = []*sarif.LogicalLocation{ll}
	res.Locations = []*sarif.Location{loc}

	res.Suppressions = nil
	if f.Status == finding.Suppressed {
		// The status decides; the suppression record, when there is one, explains.
		s := sarif.NewSuppression()
		s.Kind = ptr("external")
		s.Status = ptr("accepted")
		if sup := f.Suppression; sup != nil {
			s.Justification = ptr(sup.Reason)
			props := sarif.NewPropertyBag()
			props.Add("owner", sup.Owner)
			if sup.Expires != "" {
				props.Add("expires", sup.Expires)
			}
			s.Properties = props
		}
		res.Suppressions = []*sarif.Suppression{s}
	}

	props := sarif.NewPropertyBag()
	props.Add("security-severity", securitySeverity(f.Severity))
	props.Add("severity", string(f.Severity))
	props.Add("status", string(f.Status))
	props.Add("resource", f.Resource)
	if len(f.Evidence) > 0 {
		props.Add("evidence", f.Evidence)
	}
	if f.Remediation != "" {
		props.Add("remediation", f.Remediation)
	}
	if f.Suppression != nil && f.Suppression.Expired {
		// An expired suppression no longer hides the finding; say so without suppressing it.
		props.Add("expired_suppression", f.Suppression)
	}
	props.Tags = controlIDs(f.Controls)
	res.Properties = props
	return res, nil
}

// physicalLocation is the file and region of a finding: the repository path for
// repository findings, the ARN-derived artifact URI otherwise.
func physicalLocation(f finding.Finding) (*sarif.PhysicalLocation, error) {
	phys := sarif.NewPhysicalLocation()
	art := sarif.NewArtifactLocation()
	region := sarif.NewRegion()
	if f.Location != nil {
		if f.Location.Path == "" {
			return nil, fmt.Errorf("sarif report: finding %s (%s) has a location without a path", f.Fingerprint, f.RuleID)
		}
		art.URI = ptr(escapePath(strings.Split(f.Location.Path, "/")))
		art.URIBaseID = ptr(srcRoot)
		start := max(f.Location.StartLine, 1)
		region.StartLine = ptr(start)
		if f.Location.EndLine >= start {
			region.EndLine = ptr(f.Location.EndLine)
		}
		if f.Location.StartColumn > 0 {
			region.StartColumn = ptr(f.Location.StartColumn)
		}
	} else {
		art.URI = ptr(ResourceURI(f.Resource, f.Fingerprint))
		region.StartLine = ptr(1)
	}
	phys.ArtifactLocation = art
	phys.Region = region
	return phys, nil
}

// ResourceURI is the artifact URI custos gives a cloud resource in SARIF:
// <partition>/<account>/<region>/<service>/<resource path> for an ARN (the resource part
// split at "/" and ":"), custos/<type>/<name> for anything else, every segment
// percent-encoded. fallback names the resource when it has neither ARN nor name.
func ResourceURI(res finding.Resource, fallback string) string {
	if parts := strings.SplitN(res.ARN, ":", 6); len(parts) == 6 && parts[0] == "arn" {
		region := parts[3]
		if region == "" {
			region = "global"
		}
		segments := []string{parts[1], parts[4], region, parts[2]}
		segments = append(segments, strings.FieldsFunc(parts[5], func(r rune) bool { return r == '/' || r == ':' })...)
		return escapePath(segments)
	}
	name := res.ARN
	if name == "" {
		name = res.Name
	}
	if name == "" {
		name = fallback
	}
	typ := res.Type
	if typ == "" {
		typ = "resource"
	}
	return escapePath([]string{"custos", typ, name})
}

// escapePath percent-encodes each segment and joins them with "/"; empty segments are "-".
func escapePath(segments []string) string {
	out := make([]string, len(segments))
	for i, s := range segments {
		if s == "" {
			s = "-"
		}
		out[i] = url.PathEscape(s)
	}
	return strings.Join(out, "/")
}

// resourceLabel is the short human name of a resource: its name, else its ARN, else its type.
func resourceLabel(res finding.Resource) string {
	switch {
	case res.Name != "":
		return res.Name
	case res.ARN != "":
		return res.ARN
	default:
		return res.Type
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func ptr[T any](v T) *T { return &v }
