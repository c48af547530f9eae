package reports

import (
	"time"

	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/internal/inventory"
)

// Hostile strings that stand in for anything an AWS tag, name or repository may hold.
const (
	hostileScript = `<script>alert(1)</script>`
	hostileStyle  = `</style><script>alert("style")</script>`
	hostileQuotes = `"quoted" 'single' & <b>bold</b>`
	hostileTerm   = "\x1b[31mred\x1b[0m\r\u202eevil"
	hostileText   = "データベース 🔑 ñ"
	// rawSecret is the secret the repository fixture "found"; only its redacted form may
	// appear in any report.
	rawSecret = "AKIAIOSFODNN7EXAMPLEwJalrXUtnFEMI/K7MDENG/bPxRfiCY"
)

var (
	fixtureStart  = time.Date(2025, 3, 14, 2, 0, 0, 0, time.UTC)
	fixtureFinish = time.Date(2025, 3, 14, 2, 3, 27, 0, time.UTC)
)

// fixtureCase is one report every writer renders to a golden file.
type fixtureCase struct {
	name   string
	report Report
}

func fixtureCases() []fixtureCase {
	return []fixtureCase{
		{name: "cloud-mixed", report: cloudMixedReport()},
		{name: "repository", report: repositoryReport()},
		{name: "empty", report: emptyReport()},
		{name: "access-review", report: reviewReport()},
	}
}

func fixtureTool() Tool { return Tool{Name: "custos", Version: "0.9.1-test+abc123"} }

func cloudRules() []finding.Rule {
	return []finding.Rule{
		{
			ID: "aws-iam-secret-wildcard-read", Title: "Principal can read every secret",
			Description: "A policy allows secretsmanager:GetSecretValue on Resource \"*\". " + hostileScript,
			Severity:    finding.Critical, ResourceType: "aws.iam.principal",
			Controls:    map[string][]string{"pci-dss-4.0": {"7.2.1", "7.2.2"}, "soc2": {"CC6.1"}},
			Remediation: "Scope the statement to the secrets the principal needs.",
			Source:      "policies/aws/iam/secret_wildcard_read.rego",
		},
		{
			ID: "aws-kms-key-policy-public", Title: "KMS key policy allows any principal",
			Description: "A key policy statement allows Principal \"*\" without a condition.",
			Severity:    finding.Critical, ResourceType: "aws.kms.key",
			Controls:    map[string][]string{"pci-dss-4.0": {"3.6.1"}},
			Remediation: "Name the principals in the key policy.",
			Source:      "policies/aws/kms/key_policy_public.rego",
		},
		{
			ID: "aws-kms-rotation-disabled", Title: "Customer-managed KMS key does not rotate",
			Description: "Symmetric customer keys should rotate automatically so a leaked key ages out.",
			Severity:    finding.Medium, ResourceType: "aws.kms.key",
			Controls:    map[string][]string{"pci-dss-4.0": {"3.7.4"}},
			Remediation: "Turn on automatic rotation for the key (console or EnableKeyRotation).",
			Source:      "policies/aws/kms/rotation_disabled.rego",
		},
		{
			ID: "aws-secretsmanager-missing-owner-tag", Title: "Secret has no owner tag",
			Description: "Every secret names the team that owns it in an owner tag.",
			Severity:    finding.Low, ResourceType: "aws.secretsmanager.secret",
			Controls:    map[string][]string{"soc2": {"CC6.1"}},
			Remediation: "Tag the secret with owner=<team>.",
		},
		{
			ID: "aws-secretsmanager-rotation-disabled", Title: "Secret is not rotated automatically",
			Description: "Secrets Manager rotation is off, so the secret lives until someone changes it.",
			Severity:    finding.High, ResourceType: "aws.secretsmanager.secret",
			Controls:    map[string][]string{"pci-dss-4.0": {"3.7.4", "8.3.9"}},
			Remediation: "Configure a rotation Lambda and schedule (RotateSecret).",
		},
		{
			ID: "aws-secretsmanager-unused", Title: "Secret has not been read in 90 days",
			Description: "An unused secret is attack surface with no purpose.",
			Severity:    finding.Info, ResourceType: "aws.secretsmanager.secret",
			Controls:    map[string][]string{},
			Remediation: "Delete the secret if nothing needs it.",
		},
	}
}

func cloudFinding(rule finding.Rule, res finding.Resource, discriminator, msg string, evidence map[string]any) finding.Finding {
	return finding.Finding{
		Fingerprint: finding.Fingerprint(rule.ID, res.ARN, discriminator),
		RuleID:      rule.ID,
		Title:       rule.Title,
		Severity:    rule.Severity,
		Status:      finding.Open,
		Resource:    res,
		Message:     msg,
		Controls:    rule.Controls,
		Remediation: rule.Remediation,
		Evidence:    evidence,
	}
}

func cloudMixedReport() Report {
	rules := cloudRules()
	byID := map[string]finding.Rule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	role := finding.Resource{
		Type: "aws.iam.principal", ARN: "arn:aws:iam::111122223333:role/deploy/ci-" + "runner",
		Account: "111122223333", Name: "ci-runner",
	}
	dbSecret := finding.Resource{
		Type: "aws.secretsmanager.secret", ARN: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-" + "AbCdEf",
		Account: "111122223333", Region: "eu-west-1", Name: "prod/db " + hostileQuotes,
	}
	legacySecret := finding.Resource{
		Type: "aws.secretsmanager.secret", ARN: "arn:aws:secretsmanager:us-east-1:111122223333:secret:legacy/api-key-Zz9Yy8",
		Account: "111122223333", Region: "us-east-1", Name: "legacy/api-key",
	}
	unicodeSecret := finding.Resource{
		Type: "aws.secretsmanager.secret", ARN: "arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:" + hostileText + "-Qq1Ww2",
		Account: "111122223333", Region: "ap-northeast-1", Name: hostileText,
	}
	key := finding.Resource{
		Type: "aws.kms.key", ARN: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		Account: "111122223333", Region: "eu-west-1", Name: "alias/payments " + hostileScript,
	}
	brokenKey := finding.Resource{
		Type: "aws.kms.key", ARN: "arn:aws:kms:eu-west-1:111122223333:key/ffffeeee-0000-1111-2222-333344445555",
		Account: "111122223333", Region: "eu-west-1",
	}

	wildcard := cloudFinding(byID["aws-iam-secret-wildcard-read"], role, "AllowAllSecrets",
		`role ci-runner can read every secret through statement "AllowAllSecrets"`,
		map[string]any{
			"statement_sid": "AllowAllSecrets",
			"actions":       []any{"secretsmanager:GetSecretValue"},
			"resources":     []any{"*"},
			"tags":          map[string]any{"team": hostileStyle, "note": hostileTerm},
		})
	rotation := cloudFinding(byID["aws-secretsmanager-rotation-disabled"], dbSecret, "",
		"secret prod/db "+hostileQuotes+" has rotation disabled",
		map[string]any{"rotation_enabled": false, "tags": map[string]any{"owner": hostileScript}})
	suppressed := cloudFinding(byID["aws-secretsmanager-rotation-disabled"], legacySecret, "",
		"secret legacy/api-key has rotation disabled", map[string]any{"rotation_enabled": false})
	suppressed.Status = finding.Suppressed
	suppressed.Suppression = &finding.Suppression{
		Reason: "Vendor key rotated by hand each quarter <see ticket SEC-42>", Owner: "payments-team",
		Expires: "2099-12-31",
	}
	keyRotation := cloudFinding(byID["aws-kms-rotation-disabled"], key, "",
		"key 1234abcd-12ab-34cd-56ef-1234567890ab has automatic rotation off",
		map[string]any{"rotation_enabled": false, "key_manager": "CUSTOMER", "aliases": []any{"alias/payments " + hostileScript}})
	keyRotation.Suppression = &finding.Suppression{Reason: "Migration pending", Owner: "platform", Expires: "2025-01-31", Expired: true}
	keyError := cloudFinding(byID["aws-kms-rotation-disabled"], brokenKey, "",
		"rule could not be evaluated: eval_builtin_error: time.parse_rfc3339_ns: bad date \"not-a-date\"",
		map[string]any{"error": "time.parse_rfc3339_ns: bad date \"not-a-date\""})
	keyError.Status = finding.Error
	ownerTag := cloudFinding(byID["aws-secretsmanager-missing-owner-tag"], unicodeSecret, "owner",
		"secret "+hostileText+" has no owner tag (description "+hostileTerm+")", map[string]any{"tags": map[string]any{"env": hostileText}})
	unused := cloudFinding(byID["aws-secretsmanager-unused"], legacySecret, "",
		"secret legacy/api-key was last read 412 days ago", map[string]any{"last_accessed_date": "2024-01-27T00:00:00Z", "days": 412})

	fs := []finding.Finding{unused, ownerTag, keyError, keyRotation, suppressed, rotation, wildcard}
	finding.Sort(fs)
	return Report{
		Tool: fixtureTool(),
		Run: Run{
			StartedAt: fixtureStart, FinishedAt: fixtureFinish,
			Scope:    "aws: org o-a1b2c3d4e5, 2 accounts, all regions",
			Identity: "arn:aws:sts::111122223333:assumed-role/custos-audit/nightly",
			// The digest of the empty string, standing in for a policy bundle.
			PolicyBundleSHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		},
		Rules:    rules,
		Findings: fs,
		Coverage: []inventory.Coverage{
			{Account: "111122223333", Region: "eu-west-1", Service: "kms", Status: inventory.CoverageOK},
			{Account: "111122223333", Region: "eu-west-1", Service: "secretsmanager", Status: inventory.CoverageOK},
			{Account: "111122223333", Region: "us-east-1", Service: "secretsmanager", Status: inventory.CoverageOK},
			{Account: "111122223333", Region: "ap-northeast-1", Service: "secretsmanager", Status: inventory.CoverageOK},
			{Account: "111122223333", Service: "iam", Status: inventory.CoverageOK},
			{
				Account: "444455556666", Service: "iam", Operation: "GetAccountAuthorizationDetails",
				Status: inventory.CoverageDenied,
				Error:  "AccessDenied: User: arn:aws:sts::444455556666:assumed-role/custos-audit/nightly is not authorized to perform: iam:GetAccountAuthorizationDetails " + hostileScript,
			},
			{
				Account: "444455556666", Region: "eu-central-1", Service: "kms", Operation: "ListKeys",
				Status: inventory.CoverageThrottled, Error: "ThrottlingException: Rate exceeded (gave up after 8 attempts)",
			},
			{Account: "444455556666", Region: "me-south-1", Service: "secretsmanager", Status: inventory.CoverageNotEnabled},
		},
	}
}

func repositoryReport() Report {
	repo := finding.Resource{Type: "repository", ARN: "", Name: "github.com/acme/" + hostileScript}
	date := time.Date(2025, 3, 10, 16, 4, 5, 0, time.FixedZone("CET", 3600))
	rule := finding.Rule{
		ID: "repo-aws-access-token", Title: "AWS access key in source",
		Description: "A long-lived AWS access key is committed to the repository.",
		Severity:    finding.Critical, ResourceType: "repository",
		Controls:    map[string][]string{"pci-dss-4.0": {"8.3.2"}},
		Remediation: "Deactivate the key in IAM, remove it from history, load credentials from the environment.",
	}
	leaked := finding.Finding{
		Fingerprint: finding.Fingerprint(rule.ID, repo.Name, "config/prod settings.env:"+string(finding.Redact(rawSecret))),
		RuleID:      rule.ID, Title: rule.Title, Severity: rule.Severity, Status: finding.Open,
		Resource: repo,
		Location: &finding.Location{
			Path: "config/prod settings.env", StartLine: 12, EndLine: 12, StartColumn: 19,
			Commit: "9fceb02d0ae598e95dc970b74767f19372d61af8", Author: `Mallory "<script>alert(1)</script>" <m@example.invalid>`,
			Date: &date,
		},
		Message:     "AWS access key " + string(finding.Redact(rawSecret)) + " committed in config/prod settings.env",
		Controls:    rule.Controls,
		Remediation: rule.Remediation,
		Evidence: map[string]any{
			"match":    string(finding.Redact(rawSecret)),
			"detector": "aws-access-token",
			"entropy":  3.84,
			"line":     "AWS_ACCESS_KEY_ID=" + string(finding.Redact(rawSecret)) + " # " + hostileStyle,
		},
	}
	// A finding from a detector rule the report's rule list does not include: its rule is
	// described from the finding.
	testKey := finding.Finding{
		Fingerprint: finding.Fingerprint("repo-generic-api-key", repo.Name, "src/秘密/client_test.go"),
		RuleID:      "repo-generic-api-key", Title: "Generic API key in source", Severity: finding.Medium,
		Status:   finding.Suppressed,
		Resource: repo,
		Location: &finding.Location{Path: "src/秘密/client_test.go", StartLine: 3, EndLine: 4},
		Message:  "generic API key " + string(finding.Redact("test-key-0123456789abcdef")) + " in a test file",
		Controls: map[string][]string{},
		Evidence: map[string]any{"match": string(finding.Redact("test-key-0123456789abcdef"))},
		Suppression: &finding.Suppression{
			Reason: "Test fixture, not a real key", Owner: "security@acme.example",
		},
	}
	fs := []finding.Finding{testKey, leaked}
	finding.Sort(fs)
	return Report{
		Tool: fixtureTool(),
		Run: Run{
			StartedAt: fixtureStart, FinishedAt: fixtureStart.Add(1500 * time.Millisecond),
			Scope: "repo: . (origin/main...HEAD)", Identity: "",
		},
		Rules:    []finding.Rule{rule},
		Findings: fs,
	}
}

func emptyReport() Report {
	return Report{
		Tool: fixtureTool(),
		Run: Run{
			StartedAt: fixtureStart, FinishedAt: fixtureStart.Add(42 * time.Second),
			Scope: "aws: account 111122223333, eu-west-1", Identity: "arn:aws:iam::111122223333:user/auditor",
			PolicyBundleSHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		},
		Rules: cloudRules()[1:3],
		Coverage: []inventory.Coverage{
			{Account: "111122223333", Region: "eu-west-1", Service: "kms", Status: inventory.CoverageOK},
			{Account: "111122223333", Region: "eu-west-1", Service: "secretsmanager", Status: inventory.CoverageOK},
		},
	}
}

// reviewReport is an access-log review: a stolen application session harvesting secrets,
// a leaked user key tried by a scanner before the trail is stopped, a suppressed burst
// of denials, and a principal with a hostile name and no finding.
func reviewReport() Report {
	const acct = "111122223333"
	rule := func(id, title string, sev finding.Severity) finding.Rule {
		return finding.Rule{
			ID: id, Title: title, Description: title + ".", Severity: sev, ResourceType: "aws.access.principal",
			Controls:    map[string][]string{"soc2": {"CC7.2"}},
			Remediation: "Find out who made the calls; rotate what they read.",
		}
	}
	rules := []finding.Rule{
		rule("access-cloudtrail-trail-stopped", "CloudTrail logging stopped", finding.Critical),
		rule("access-iam-scanner-user-agent", "Calls with the user agent of a secret scanner or attack tool", finding.High),
		rule("access-kms-decrypt-volume", "KMS decrypt volume far above the principal's baseline", finding.High),
		rule("access-principal-denied-burst", "Burst of AccessDenied errors on secrets and keys", finding.Medium),
		rule("access-secretsmanager-read-burst", "One principal read many distinct secrets in a short window", finding.High),
	}
	byID := map[string]finding.Rule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	principal := func(kind, name string) finding.Resource {
		return finding.Resource{Type: "aws.iam.principal", ARN: "arn:aws:iam::" + acct + ":" + kind + "/" + name, Account: acct, Name: name}
	}
	orders, bot := principal("role", "orders-api"), principal("user", "build-bot")
	event := func(id, at, name, source, ip, ua, errorCode, target string) map[string]any {
		e := map[string]any{"id": id, "time": at, "name": name, "source": source, "region": "eu-west-1", "source_ip": ip, "user_agent": ua}
		if errorCode != "" {
			e["error_code"] = errorCode
		}
		if target != "" {
			e["target"] = target
		}
		return e
	}
	const cli = "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-aws exe/x86_64.ubuntu.22"
	secret := func(name string) string {
		return "arn:aws:secretsmanager:eu-west-1:" + acct + ":secret:" + name
	}
	window := map[string]any{"baseline_from": "2024-05-17T00:00:00Z", "since": "2024-05-31T00:00:00Z", "until": "2024-06-01T00:00:00Z"}

	// Evidence events arrive in any order; the timeline sorts them by time, then id.
	burst := cloudFinding(byID["access-secretsmanager-read-burst"], orders, "",
		"role orders-api read 4 distinct secrets within 10 minutes (threshold 3)",
		map[string]any{"count": 4, "start": "2024-05-31T03:00:00Z", "end": "2024-05-31T03:10:00Z", "window": window, "events": []any{
			event("c3a1", "2024-05-31T03:05:30Z", "GetSecretValue", "secretsmanager.amazonaws.com", "198.51.100.23", cli, "", secret("prod/search/key")),
			event("a9f0", "2024-05-31T03:05:00Z", "GetSecretValue", "secretsmanager.amazonaws.com", "198.51.100.23", cli, "", secret("prod/billing/api")),
			event("0b7e", "2024-05-31T03:05:00Z", "GetSecretValue", "secretsmanager.amazonaws.com", "198.51.100.23", cli, "", secret("prod/payments "+hostileScript)),
			event("d4c2", "2024-05-31T03:05:45Z", "GetSecretValue", "secretsmanager.amazonaws.com", "198.51.100.23", cli+" "+hostileTerm, "", secret(hostileText)),
		}})
	scanner := cloudFinding(byID["access-iam-scanner-user-agent"], bot, "TruffleHog",
		`user build-bot made 1 calls with user agent "TruffleHog `+hostileScript+`" (trufflehog)`,
		map[string]any{"tool": "trufflehog", "count": 1, "window": window, "events": []any{
			event("5e5e", "2024-05-31T11:00:00Z", "GetCallerIdentity", "sts.amazonaws.com", "198.51.100.77", "TruffleHog "+hostileScript, "", ""),
		}})
	stopped := cloudFinding(byID["access-cloudtrail-trail-stopped"], bot, "7f7f",
		"user build-bot stopped logging of trail management-events",
		map[string]any{"trail": "arn:aws:cloudtrail:eu-west-1:" + acct + ":trail/management-events", "events": []any{
			event("7f7f", "2024-05-31T11:20:00Z", "StopLogging", "cloudtrail.amazonaws.com", "198.51.100.77", cli, "", "arn:aws:cloudtrail:eu-west-1:"+acct+":trail/management-events"),
		}})
	denied := cloudFinding(byID["access-principal-denied-burst"], orders, "",
		"role orders-api had 3 AccessDenied errors within 10 minutes",
		map[string]any{"count": 3, "events": []any{
			event("e002", "2024-05-31T03:01:10Z", "GetSecretValue", "secretsmanager.amazonaws.com", "198.51.100.23", cli, "AccessDenied", secret("prod/hr/payroll")),
			event("e001", "2024-05-31T03:01:00Z", "GetSecretValue", "secretsmanager.amazonaws.com", "198.51.100.23", cli, "AccessDenied", secret("prod/hr/ldap")),
			event("e003", "2024-05-31T03:01:20Z", "Decrypt", "kms.amazonaws.com", "198.51.100.23", cli, "AccessDeniedException", "arn:aws:kms:eu-west-1:"+acct+":key/1a2b"),
		}})
	denied.Status = finding.Suppressed
	denied.Suppression = &finding.Suppression{Reason: "Penetration test SEC-7", Owner: "security@example.com", Expires: "2099-01-01"}
	// A finding whose evidence lists no event has no timeline.
	volume := cloudFinding(byID["access-kms-decrypt-volume"], orders, "",
		"role orders-api made 2400 KMS calls, baseline median 140 a day",
		map[string]any{"count": 2400, "median": 140, "events": []any{}})

	fs := []finding.Finding{volume, denied, stopped, scanner, burst}
	finding.Sort(fs)
	day := func(h, m int) time.Time { return time.Date(2024, 5, 31, h, m, 0, 0, time.UTC) }
	return Report{
		Tool: fixtureTool(),
		Run: Run{
			StartedAt: fixtureStart, FinishedAt: fixtureStart.Add(9 * time.Second),
			Scope:              "CloudTrail s3://org-trail-logs/; review 2024-05-31T00:00:00Z to 2024-06-01T00:00:00Z; baseline from 2024-05-17T00:00:00Z",
			PolicyBundleSHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		},
		Rules:    rules,
		Findings: fs,
		Coverage: []inventory.Coverage{
			{Account: acct, Region: "eu-west-1", Service: "cloudtrail", Operation: "read log file", Status: inventory.CoverageFailed,
				Error: "s3://org-trail-logs/AWSLogs/" + acct + "/CloudTrail/eu-west-1/2024/05/31/x.json.gz: unexpected EOF after 12 records (byte 40960)"},
			{Service: "cloudtrail", Operation: "read s3://org-trail-logs/", Status: inventory.CoverageOK},
		},
		Review: &AccessReview{
			BaselineFrom: time.Date(2024, 5, 17, 0, 0, 0, 0, time.UTC), Since: day(0, 0), Until: day(24, 0),
			Stats: ReviewStats{Objects: 1402, Skipped: 3310, Digests: 16, Ignored: 1, Records: 41230, Events: 40876, Duplicates: 350,
				OutsideWindow: 4, Late: 2, Invalid: 0, Sensitive: 3, Principals: 9, Secrets: 14},
			Principals: []ReviewPrincipal{
				{Principal: bot.ARN, Type: "IAMUser", Account: acct, Name: "build-bot", Events: 2, OwnEvents: 2,
					First: day(11, 0), Last: day(11, 20), Findings: 2, Worst: finding.Critical, Networks: 1, Regions: 1},
				{Principal: orders.ARN, Type: "AssumedRole", Account: acct, Name: "orders-api", Events: 2930, OwnEvents: 2630, ViaService: 300,
					SecretsRead: 5, SecretReads: 292, KeysUsed: 1, KMSCalls: 2400, Denied: 3, Networks: 2, Regions: 1,
					First: day(0, 0), Last: day(23, 55), Findings: 3, Worst: finding.High, Baseline: true},
				{Principal: "arn:aws:sts::" + acct + ":federated-user/" + hostileScript, Type: "FederatedUser", Account: acct, Name: hostileQuotes,
					Events: 4, OwnEvents: 4, SecretsRead: 1, SecretReads: 4, Networks: 1, Regions: 1, First: day(9, 30), Last: day(9, 31), Baseline: true},
				{Principal: "service:secretsmanager.amazonaws.com", Type: "AWSService", Events: 12, OwnEvents: 12, Regions: 1,
					First: day(0, 5), Last: day(23, 5), Baseline: true},
			},
		},
	}
}
