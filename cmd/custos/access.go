package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/custos-dev/custos/internal/exposure"
	"github.com/custos-dev/custos/internal/inventory"
	"github.com/custos-dev/custos/reports"
	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"
)

// accessFlags are the flags both access subcommands take.
type accessFlags struct {
	snapshot string
	format   string
}

func (f *accessFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.snapshot, "snapshot", "", "the snapshot file to analyse (from 'custos collect aws' or the demo)")
	cmd.Flags().StringVarP(&f.format, "format", "f", "table", "table or json")
}

// analyse validates the flags, then loads the snapshot and computes effective access.
func (f *accessFlags) analyse() (*exposure.Result, error) {
	if f.format != "table" && f.format != "json" {
		return nil, fmt.Errorf("--format %q: want table or json", f.format)
	}
	if f.snapshot == "" {
		return nil, errors.New("--snapshot is required: live collection is not available for access questions; run 'custos collect aws -o snap.json' first")
	}
	snap, err := inventory.Load(f.snapshot)
	if err != nil {
		return nil, err
	}
	return exposure.Analyze(snap), nil
}

func newAccessCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "access",
		Short: "Who can read a secret, and which secrets a principal can read",
		Long: `Answer effective-access questions from a snapshot: who can read a secret's value, and
which secrets a user or role can read (its blast radius).

Reading a secret takes secretsmanager:GetSecretValue on the secret and kms:Decrypt on its
key, which Secrets Manager calls on the reader's behalf. custos follows identity policies
(a user's groups included), permissions boundaries, the secret's resource policy, the key
policy and grants, with IAM's wildcards and explicit Deny. Each access is definite, or
conditional when it rests on a condition custos cannot decide (a source IP, MFA, a session
tag) or on something the snapshot does not hold; the conditions are listed.

Service control policies and session policies are not in a snapshot and are not applied.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newAccessSecretCmd(a), newAccessPrincipalCmd(a))
	return cmd
}

func newAccessSecretCmd(a *app) *cobra.Command {
	f := &accessFlags{}
	cmd := &cobra.Command{
		Use:   "secret <arn|name> --snapshot FILE",
		Short: "List the principals that can read a secret's value, and how",
		Long: `List every principal that can read the secret's value: IAM users and roles of the
snapshot, and the accounts, outside principals and "*" (anyone outside the snapshot) that
its resource and key policies name. Each row says whether the access is definite or
conditional, and through which policy statements, grants or assumptions it goes.

The secret is named by its ARN, by its ARN without the six random characters Secrets
Manager appends, or by its name.`,
		Example: `  custos access secret prod/payments/db-credentials --snapshot testdata/snapshots/demo.json
  custos access secret arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/ci/github-deploy-key-Pw1qZ6 --snapshot snap.json
  custos access secret prod/payments/db-credentials --snapshot snap.json --format json`,
		Args: exactlyOne("a secret ARN or name"),
		RunE: func(_ *cobra.Command, args []string) error {
			r, err := f.analyse()
			if err != nil {
				return err
			}
			sa, err := findSecret(r, args[0], f.snapshot)
			if err != nil {
				return err
			}
			if f.format == "json" {
				return writeJSON(a.stdout, sa)
			}
			return writeSecretAccess(a.stdout, sa)
		},
	}
	f.register(cmd)
	return cmd
}

func newAccessPrincipalCmd(a *app) *cobra.Command {
	f := &accessFlags{}
	cmd := &cobra.Command{
		Use:   "principal <arn|name> --snapshot FILE",
		Short: "List the secrets a principal can read and the keys it can decrypt with",
		Long: `List every secret the principal can read (its blast radius) and every key it can
decrypt with, each definite or conditional, with the path that grants it.

The principal is named by its ARN, by its user or role name, by an account id (its root,
for accounts outside the snapshot), or "*" for anyone outside the snapshot.`,
		Example: `  custos access principal payments-api --snapshot testdata/snapshots/demo.json
  custos access principal arn:aws:iam::111122223333:user/ci-deployer --snapshot snap.json
  custos access principal 444455556666 --snapshot snap.json --format json`,
		Args: exactlyOne("a principal ARN or name"),
		RunE: func(_ *cobra.Command, args []string) error {
			r, err := f.analyse()
			if err != nil {
				return err
			}
			pa, err := findPrincipal(r, args[0], f.snapshot)
			if err != nil {
				return err
			}
			if f.format == "json" {
				return writeJSON(a.stdout, pa)
			}
			return writePrincipalAccess(a.stdout, pa)
		},
	}
	f.register(cmd)
	return cmd
}

func exactlyOne(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return fmt.Errorf("want %s, got %d arguments (see '%s --help')", what, len(args), cmd.CommandPath())
		}
		return nil
	}
}

// findSecret resolves a secret by ARN, by ARN without Secrets Manager's random suffix, or
// by name; an unknown or ambiguous reference is an error that names the candidates.
func findSecret(r *exposure.Result, ref, file string) (exposure.SecretAccess, error) {
	if sa, ok := r.Secret(ref); ok {
		return sa, nil
	}
	var found []exposure.SecretAccess
	for _, s := range r.Secrets {
		if s.Name == ref || withoutSuffix(s.ARN) == ref {
			found = append(found, s)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		names := make([]string, 0, 2*len(r.Secrets))
		for _, s := range r.Secrets {
			names = append(names, s.Name, s.ARN)
		}
		return exposure.SecretAccess{}, fmt.Errorf("secret %s is not in snapshot %s%s", reports.TerminalSafe(strconv.Quote(ref)), file, suggest(ref, names))
	}
	arns := make([]string, len(found))
	for i, s := range found {
		arns[i] = reports.TerminalSafe(s.ARN)
	}
	return exposure.SecretAccess{}, fmt.Errorf("secret name %s is ambiguous in snapshot %s: give one of the ARNs %s", reports.TerminalSafe(strconv.Quote(ref)), file, strings.Join(arns, ", "))
}

// withoutSuffix drops the "-" and six random characters Secrets Manager appends to a
// secret's ARN.
func withoutSuffix(arn string) string {
	if len(arn) > 7 && arn[len(arn)-7] == '-' {
		return arn[:len(arn)-7]
	}
	return arn
}

// findPrincipal resolves a principal by ARN, "*", account id, or user or role name.
func findPrincipal(r *exposure.Result, ref, file string) (exposure.PrincipalAccess, error) {
	if pa, ok := r.Principal(ref); ok {
		return pa, nil
	}
	if len(ref) == 12 && strings.Trim(ref, "0123456789") == "" {
		for _, p := range r.Principals {
			if p.Kind == exposure.KindAccount && p.Account == ref {
				return p, nil
			}
		}
	}
	var found []exposure.PrincipalAccess
	for _, p := range r.Principals {
		if p.Name == ref && (p.Kind == exposure.KindUser || p.Kind == exposure.KindRole) {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		names := make([]string, 0, 2*len(r.Principals))
		for _, p := range r.Principals {
			names = append(names, p.Name, p.Principal)
		}
		return exposure.PrincipalAccess{}, fmt.Errorf("principal %s is not in snapshot %s and no policy there names it%s", reports.TerminalSafe(strconv.Quote(ref)), file, suggest(ref, names))
	}
	arns := make([]string, len(found))
	for i, p := range found {
		arns[i] = reports.TerminalSafe(p.Principal)
	}
	return exposure.PrincipalAccess{}, fmt.Errorf("principal name %s is ambiguous in snapshot %s: give one of the ARNs %s", reports.TerminalSafe(strconv.Quote(ref)), file, strings.Join(arns, ", "))
}

// suggest returns "; did you mean …?" with up to three known names close to ref: names
// that contain it or that are a few edits away.
func suggest(ref string, known []string) string {
	type candidate struct {
		name string
		dist int
	}
	limit := max(2, len(ref)/3)
	seen := map[string]bool{}
	var cs []candidate
	for _, k := range known {
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		d := editDistance(ref, k)
		if strings.Contains(k, ref) || strings.Contains(ref, k) && len(k) > 3 {
			d = min(d, 1)
		}
		if d <= limit {
			cs = append(cs, candidate{k, d})
		}
	}
	if len(cs) == 0 {
		return ""
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].dist != cs[j].dist {
			return cs[i].dist < cs[j].dist
		}
		return cs[i].name < cs[j].name
	})
	var names []string
	for i := 0; i < len(cs) && i < 3; i++ {
		names = append(names, reports.TerminalSafe(cs[i].name))
	}
	return "; did you mean " + strings.Join(names, " or ") + "?"
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

const (
	accessViaWidth       = 72
	accessPrincipalWidth = 60
	accessConditionWidth = 40
)

func newAccessTable(w io.Writer) table.Writer {
	t := table.NewWriter()
	t.SetOutputMirror(w)
	t.SetStyle(table.StyleLight)
	return t
}

func writeSecretAccess(w io.Writer, sa exposure.SecretAccess) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Secret:   %s\nARN:      %s\nAccount:  %s  Region: %s\nKey:      %s\n",
		reports.TerminalSafe(sa.Name), reports.TerminalSafe(sa.ARN), reports.TerminalSafe(sa.Account), reports.TerminalSafe(sa.Region), keyText(sa.Key))
	if sa.PendingDeletion {
		b.WriteString("Status:   scheduled for deletion (reads fail until the deletion is cancelled)\n")
	}
	fmt.Fprintf(&b, "Readers:  %d (%d definite, %d conditional)", sa.ReaderCount, sa.DefiniteReaders, sa.ConditionalReaders)
	if sa.Public {
		b.WriteString("; PUBLIC: principals outside the snapshot can read it")
	}
	if len(sa.ExternalAccounts) > 0 {
		fmt.Fprintf(&b, "; other accounts: %s", reports.TerminalSafe(strings.Join(sa.ExternalAccounts, ", ")))
	}
	b.WriteString("\n\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if len(sa.Readers) == 0 {
		_, err := io.WriteString(w, "Nobody in the snapshot can read this secret.\n")
		return err
	}
	t := newAccessTable(w)
	t.AppendHeader(table.Row{"PRINCIPAL", "KIND", "ACCOUNT", "ACCESS", "VIA"})
	t.SetColumnConfigs([]table.ColumnConfig{
		{Number: 1, WidthMax: accessPrincipalWidth, WidthMaxEnforcer: text.WrapHard},
		{Number: 4, WidthMax: accessConditionWidth, WidthMaxEnforcer: text.WrapSoft},
	})
	for _, rd := range sa.Readers {
		kind := rd.Kind
		if !rd.InInventory {
			kind += " (not in snapshot)"
		}
		t.AppendRow(table.Row{reports.TerminalSafe(rd.Principal), kind, reports.TerminalSafe(orNone(rd.Account)),
			accessText(rd.Definite, rd.Conditions, rd.Unknowns), viaText(rd.Via)})
	}
	t.Render()
	return nil
}

func writePrincipalAccess(w io.Writer, pa exposure.PrincipalAccess) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Principal: %s\nARN:       %s\nKind:      %s", reports.TerminalSafe(pa.Name), reports.TerminalSafe(pa.Principal), pa.Kind)
	if !pa.InInventory {
		b.WriteString(" (named in a policy, not in the snapshot)")
	}
	fmt.Fprintf(&b, "\nAccount:   %s\n", reports.TerminalSafe(orNone(pa.Account)))
	if len(pa.Tags) > 0 {
		fmt.Fprintf(&b, "Tags:      %s\n", tagsText(pa.Tags))
	}
	if len(pa.MissingPolicies) > 0 {
		fmt.Fprintf(&b, "Missing:   %s (not in the snapshot: what they allow is not counted)\n", reports.TerminalSafe(strings.Join(pa.MissingPolicies, ", ")))
	}
	fmt.Fprintf(&b, "Reads:     %d secrets (%d definite, %d conditional)\n\n", pa.ReadableSecrets, pa.DefiniteSecrets, pa.ConditionalSecrets)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if len(pa.Secrets) > 0 {
		t := newAccessTable(w)
		t.AppendHeader(table.Row{"SECRET", "ACCOUNT", "ACCESS", "VIA"})
		t.SetColumnConfigs([]table.ColumnConfig{
			{Number: 1, WidthMax: accessPrincipalWidth, WidthMaxEnforcer: text.WrapHard},
			{Number: 3, WidthMax: accessConditionWidth, WidthMaxEnforcer: text.WrapSoft},
		})
		for _, s := range pa.Secrets {
			t.AppendRow(table.Row{reports.TerminalSafe(s.Name), reports.TerminalSafe(s.Account), accessText(s.Definite, s.Conditions, s.Unknowns), viaText(s.Via)})
		}
		t.Render()
		b.Reset()
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Decrypts with: %d keys (any encryption context, called directly)\n", pa.DecryptableKeys)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if len(pa.Keys) > 0 {
		t := newAccessTable(w)
		t.AppendHeader(table.Row{"KEY", "ARN", "ACCESS"})
		t.SetColumnConfigs([]table.ColumnConfig{{Number: 3, WidthMax: accessConditionWidth, WidthMaxEnforcer: text.WrapSoft}})
		for _, k := range pa.Keys {
			t.AppendRow(table.Row{reports.TerminalSafe(k.Name), reports.TerminalSafe(k.ARN), accessText(k.Definite, k.Conditions, k.Unknowns)})
		}
		t.Render()
	}
	return nil
}

func keyText(k exposure.KeyRef) string {
	switch {
	case k.InInventory:
		kind := "customer-managed"
		if k.AWSManaged {
			kind = "AWS-managed"
		}
		return fmt.Sprintf("%s (%s, %s)", reports.TerminalSafe(k.ARN), kind, reports.TerminalSafe(k.State))
	case k.AWSManaged:
		return "aws/secretsmanager (AWS-managed, not in the snapshot: every principal of the account may decrypt through Secrets Manager)"
	}
	return reports.TerminalSafe(k.Ref) + " (not in the snapshot: reads are conditional)"
}

func accessText(definite bool, conditions, unknowns []string) string {
	if definite {
		return "definite"
	}
	out := "conditional"
	if len(conditions) > 0 {
		out += " on " + strings.Join(conditions, ", ")
	}
	if len(unknowns) > 0 {
		out += "; " + strings.Join(unknowns, "; ")
	}
	return reports.TerminalSafe(out)
}

// viaText renders the access path, one step per line.
func viaText(steps []*exposure.Step) string {
	lines := make([]string, 0, len(steps))
	for _, s := range steps {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: ", s.Layer)
		if s.Effect == "Deny" {
			b.WriteString("DENY unless undecided ")
		}
		b.WriteString(strings.ReplaceAll(s.Source, "_", " "))
		switch s.Source {
		case "resource_policy", "key_policy":
		case "grant":
			b.WriteString(" " + s.Policy)
		default:
			if s.Policy != "" {
				b.WriteString(" " + s.Policy)
			}
		}
		if s.Group != "" {
			b.WriteString(" of group " + s.Group)
		}
		if s.Index >= 0 {
			fmt.Fprintf(&b, " #%d", s.Index)
		}
		if s.Sid != "" {
			b.WriteString(" " + strconv.Quote(s.Sid))
		}
		if len(s.Conditions) > 0 {
			b.WriteString(" if " + strings.Join(s.Conditions, ", "))
		}
		if s.Note != "" {
			b.WriteString(" (" + s.Note + ")")
		}
		// Wrapped line by line: a column-wide wrap would run the steps together.
		lines = append(lines, text.WrapSoft(reports.TerminalSafe(b.String()), accessViaWidth))
	}
	return strings.Join(lines, "\n")
}

func tagsText(tags inventory.Tags) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = reports.TerminalSafe(k + "=" + tags[k])
	}
	return strings.Join(parts, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
