package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/custos-dev/custos/internal/finding"
)

// Table writes the console report: one row per finding, a summary line, and a loud
// INCOMPLETE block listing what was not assessed. Plain ASCII layout, no colours; control
// and bidirectional-override characters from data are shown as escapes, never sent to the
// terminal.
type Table struct{}

var _ Writer = Table{}

// Column widths (in terminal cells) beyond which cells wrap.
const (
	tableRuleWidth     = 50
	tableResourceWidth = 32
	tableMessageWidth  = 50
	tableStatusWidth   = 20
	tableErrorWidth    = 60
)

// Write renders r as text.
func (Table) Write(w io.Writer, r Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\nscope:    %s\nidentity: %s\nrun:      %s to %s\n\n",
		TerminalSafe(orDash(r.Tool.Name)), TerminalSafe(orDash(r.Tool.Version)),
		TerminalSafe(orDash(r.Run.Scope)), TerminalSafe(orDash(r.Run.Identity)),
		timestamp(r.Run.StartedAt), timestamp(r.Run.FinishedAt))

	if len(r.Findings) == 0 {
		b.WriteString("No findings.\n")
	} else {
		b.WriteString(findingsTable(r.Findings))
		b.WriteString("\n")
	}
	b.WriteString("\n" + summaryLine(r.Findings) + "\n")

	if missing := r.notAssessed(); len(missing) > 0 {
		noun := "services"
		if len(missing) == 1 {
			noun = "service"
		}
		fmt.Fprintf(&b, "\n!!! INCOMPLETE: %d %s not assessed. The findings above do not cover them; this is not a clean result. !!!\n", len(missing), noun)
		t := newTextTable()
		t.AppendHeader(table.Row{"Account", "Region", "Service", "Operation", "Status", "Error"})
		t.SetColumnConfigs([]table.ColumnConfig{{Number: 6, WidthMax: tableErrorWidth, WidthMaxEnforcer: text.WrapSoft}})
		for _, c := range missing {
			t.AppendRow(table.Row{
				TerminalSafe(orDash(c.Account)), TerminalSafe(orDash(c.Region)), TerminalSafe(c.Service),
				TerminalSafe(orDash(c.Operation)), TerminalSafe(string(c.Status)), TerminalSafe(orDash(c.Error)),
			})
		}
		b.WriteString(t.Render() + "\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("table report: %w", err)
	}
	return nil
}

// findingsTable renders one row per finding.
func findingsTable(fs []finding.Finding) string {
	t := newTextTable()
	t.AppendHeader(table.Row{"Severity", "Rule", "Resource", "Message", "Status"})
	t.SetColumnConfigs([]table.ColumnConfig{
		{Number: 2, WidthMax: tableRuleWidth, WidthMaxEnforcer: text.WrapSoft},
		{Number: 3, WidthMax: tableResourceWidth, WidthMaxEnforcer: text.WrapSoft},
		{Number: 4, WidthMax: tableMessageWidth, WidthMaxEnforcer: text.WrapSoft},
		{Number: 5, WidthMax: tableStatusWidth, WidthMaxEnforcer: text.WrapSoft},
	})
	for _, f := range fs {
		t.AppendRow(table.Row{
			strings.ToUpper(TerminalSafe(string(f.Severity))),
			TerminalSafe(f.RuleID),
			TerminalSafe(tableResource(f)),
			TerminalSafe(f.Message),
			TerminalSafe(statusText(f)),
		})
	}
	return t.Render()
}

// newTextTable is a go-pretty table in plain ASCII without colours.
func newTextTable() table.Writer {
	t := table.NewWriter()
	style := table.StyleDefault
	style.Format.Header = text.FormatUpper
	t.SetStyle(style)
	return t
}

// tableResource is where a finding is: path:line in a repository, else the resource's name,
// else its ARN.
func tableResource(f finding.Finding) string {
	if f.Location != nil {
		if f.Location.StartLine > 0 {
			return f.Location.Path + ":" + strconv.Itoa(f.Location.StartLine)
		}
		return f.Location.Path
	}
	if f.Resource.Name != "" {
		return f.Resource.Name
	}
	return resourceLabel(f.Resource)
}

// statusText is the status with the suppression state that explains it.
func statusText(f finding.Finding) string {
	s := f.Suppression
	switch {
	case s != nil && s.Expired:
		return string(f.Status) + " (suppression expired " + orDash(s.Expires) + ")"
	case f.Status == finding.Suppressed && s != nil && s.Expires != "":
		return string(f.Status) + " until " + s.Expires
	default:
		return string(f.Status)
	}
}

// summaryLine counts findings by severity and status, every key shown.
func summaryLine(fs []finding.Finding) string {
	bySeverity, byStatus := finding.Counts(fs)
	sev := make([]string, 0, len(finding.Severities))
	for _, s := range finding.Severities {
		sev = append(sev, fmt.Sprintf("%d %s", bySeverity[s], s))
	}
	st := make([]string, 0, len(finding.Statuses))
	for _, s := range finding.Statuses {
		st = append(st, fmt.Sprintf("%d %s", byStatus[s], s))
	}
	noun := "findings"
	if len(fs) == 1 {
		noun = "finding"
	}
	return fmt.Sprintf("%d %s: %s (%s)", len(fs), noun, strings.Join(sev, ", "), strings.Join(st, ", "))
}

// TerminalSafe replaces control characters (ANSI escapes, carriage returns, newlines) and
// bidirectional controls with visible escapes, so data cannot restyle or rewrite the terminal.
func TerminalSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == unicode.ReplacementChar:
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
