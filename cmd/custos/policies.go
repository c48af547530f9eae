package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/custos-dev/custos/internal/engine"
	"github.com/custos-dev/custos/internal/finding"
	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"
)

func newPoliciesCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policies",
		Short: "List the rules custos judges by, or run Rego tests of your own rules",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newPoliciesListCmd(a), newPoliciesTestCmd(a))
	return cmd
}

func newPoliciesListCmd(a *app) *cobra.Command {
	var format, framework string
	var dirs []string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every rule with its severity, resource type and control mappings",
		Example: `  custos policies list
  custos policies list --format json
  custos policies list --framework pci-dss-4.0
  custos policies list --policy-dir ./my-policies`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return fmt.Errorf("--format %q: want table or json", format)
			}
			eng, err := engine.New(cmd.Context(), engine.Options{PolicyDirs: dirs})
			if err != nil {
				return err
			}
			rules := eng.Rules()
			if framework != "" {
				rules = withFramework(rules, framework)
				if len(rules) == 0 {
					return fmt.Errorf("--framework %q: no rule maps to it", framework)
				}
			}
			if format == "json" {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rules)
			}
			return writeRuleTable(a, rules)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "table or json")
	cmd.Flags().StringVar(&framework, "framework", "", "only rules mapped to this framework (e.g. pci-dss-4.0, soc2)")
	cmd.Flags().StringSliceVar(&dirs, "policy-dir", nil, "directory of extra Rego policies (repeatable)")
	return cmd
}

func withFramework(rules []finding.Rule, fw string) []finding.Rule {
	var out []finding.Rule
	for _, r := range rules {
		if len(r.Controls[fw]) > 0 {
			out = append(out, r)
		}
	}
	return out
}

func writeRuleTable(a *app, rules []finding.Rule) error {
	t := table.NewWriter()
	t.SetOutputMirror(a.stdout)
	t.SetStyle(table.StyleLight)
	t.AppendHeader(table.Row{"ID", "SEVERITY", "RESOURCE TYPE", "TITLE", "CONTROLS"})
	t.SetColumnConfigs([]table.ColumnConfig{{Number: 4, WidthMax: 60, WidthMaxEnforcer: text.WrapSoft}, {Number: 5, WidthMax: 40, WidthMaxEnforcer: text.WrapSoft}})
	for _, r := range rules {
		t.AppendRow(table.Row{r.ID, r.Severity, r.ResourceType, r.Title, controlList(r.Controls)})
	}
	t.Render()
	_, err := fmt.Fprintf(a.stdout, "%d rules\n", len(rules))
	return err
}

func controlList(c map[string][]string) string {
	fws := make([]string, 0, len(c))
	for fw := range c {
		fws = append(fws, fw)
	}
	sort.Strings(fws)
	parts := make([]string, 0, len(fws))
	for _, fw := range fws {
		parts = append(parts, fw+" "+strings.Join(c[fw], ","))
	}
	return strings.Join(parts, "; ")
}
