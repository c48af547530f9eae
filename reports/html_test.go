package reports

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

// parsedPage is what the escaping tests read from a rendered page.
type parsedPage struct {
	csp     string
	scripts []string // text of every <script> element
	styles  []string // text of every <style> element
	text    string   // all text outside script and style, decoded
	attrs   []string // every attribute value, decoded
	// eventAttrs are attributes named on* (inline event handlers): there must be none.
	eventAttrs []string
	// urlAttrs are href/src/action values.
	urlAttrs []string
}

func parsePage(t *testing.T, page []byte) parsedPage {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	require.NoError(t, err)
	var p parsedPage
	var text strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				p.attrs = append(p.attrs, a.Val)
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					p.eventAttrs = append(p.eventAttrs, a.Key)
				}
				switch a.Key {
				case "href", "src", "action", "srcset", "formaction":
					p.urlAttrs = append(p.urlAttrs, a.Val)
				}
			}
			switch n.Data {
			case "meta":
				if attr(n, "http-equiv") == "Content-Security-Policy" {
					p.csp = attr(n, "content")
				}
			case "script", "style":
				var b strings.Builder
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					b.WriteString(c.Data)
				}
				if n.Data == "script" {
					p.scripts = append(p.scripts, b.String())
				} else {
					p.styles = append(p.styles, b.String())
				}
				return
			}
		}
		if n.Type == html.TextNode {
			text.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	p.text = text.String()
	return p
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func sha256Source(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

func TestHTMLEscapesDataAndRunsUnderCSP(t *testing.T) {
	for _, c := range fixtureCases() {
		t.Run(c.name, func(t *testing.T) {
			out := render(t, "html", c.report)
			p := parsePage(t, out)

			// One script and one style, ours, each allowed by exactly its hash.
			require.Len(t, p.scripts, 1, "data must never create a script element")
			require.Len(t, p.styles, 1, "data must never create a style element")
			require.NotEmpty(t, p.csp, "CSP meta element")
			assert.Contains(t, p.csp, "default-src 'none'")
			assert.Contains(t, p.csp, "script-src "+sha256Source(p.scripts[0])+";")
			assert.Contains(t, p.csp, "style-src "+sha256Source(p.styles[0])+";")
			assert.NotContains(t, p.csp, "unsafe-inline")
			assert.NotContains(t, p.csp, "unsafe-eval")
			assert.Empty(t, p.eventAttrs, "no inline event handlers")

			// Nothing from the network: no URL scheme anywhere, links only to fragments.
			assert.NotContains(t, string(out), "http://")
			assert.NotContains(t, string(out), "https://")
			assert.NotContains(t, string(out), "//cdn")
			for _, u := range p.urlAttrs {
				assert.True(t, strings.HasPrefix(u, "#"), "link %q leaves the page", u)
			}

			// Hostile data is escaped in the source and survives as text for the reader.
			assert.NotContains(t, string(out), "<script>alert")
			assert.NotContains(t, string(out), "</style><script>")
			assert.NotContains(t, string(out), "<b>bold</b>")
		})
	}
	t.Run("hostile text survives as text", func(t *testing.T) {
		p := parsePage(t, render(t, "html", cloudMixedReport()))
		assert.Contains(t, p.text, hostileScript, "names are shown, escaped, not dropped")
		assert.Contains(t, p.text, hostileQuotes)
		assert.Contains(t, p.text, hostileText)
		assert.Contains(t, p.text, `"team": "</style><script>alert(\"style\")</script>"`, "evidence is shown as JSON text")
		assert.Contains(t, strings.Join(p.attrs, "\n"), hostileScript, "attribute values are escaped, not dropped")
		assert.NotContains(t, p.text, "\u202e", "bidi overrides cannot reorder the page")
		assert.NotContains(t, p.text, "\x1b")
		assert.Contains(t, p.text, `\u001b[31mred`)
		assert.Contains(t, p.text, `\u202eevil`, "they are shown as escapes")
	})
}

func TestHTMLIncompleteBanner(t *testing.T) {
	tests := []struct {
		name       string
		report     Report
		incomplete bool
	}{
		{name: "incomplete", report: cloudMixedReport(), incomplete: true},
		{name: "complete", report: emptyReport(), incomplete: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parsePage(t, render(t, "html", tt.report))
			if tt.incomplete {
				assert.Contains(t, p.text, "INCOMPLETE: 3 of 8 service checks were not assessed")
			} else {
				assert.NotContains(t, p.text, "INCOMPLETE")
				assert.Contains(t, p.text, "Complete: all 2 service checks in scope were assessed.")
			}
		})
	}
}

// TestHTMLInChromium opens the page in a real headless Chromium, which enforces the CSP, and
// checks that the script ran (it marks the page ready and counts the rows it shows) and the
// stylesheet applied. A screenshot is written when CUSTOS_SCREENSHOT_DIR is set.
func TestHTMLInChromium(t *testing.T) {
	chromium := findChromium()
	if chromium == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium not found: CI must install it (apt-get install chromium)")
		}
		t.Skip("chromium not installed; install it to run the browser test")
	}
	for _, c := range fixtureCases() {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			page := filepath.Join(dir, "custos.html")
			require.NoError(t, os.WriteFile(page, render(t, "html", c.report), 0o600))

			dom, log := runChromium(t, chromium, dir, "--dump-dom", "file://"+page)
			assert.NotRegexp(t, cspViolation, log, "the CSP blocked something")
			assert.Contains(t, dom, `data-custos-ready="true"`, "the script ran under the CSP")
			assert.Contains(t, dom, `data-custos-css="applied"`, "the stylesheet applied under the CSP")
			assert.Contains(t, dom, `data-csp-violations="0"`, "no CSP violation after the script started")
			n := len(c.report.Findings)
			assert.Equal(t, "Showing "+strconv.Itoa(n)+" of "+strconv.Itoa(n)+" findings", shownText(dom), "the script counted the rows")
			assert.Equal(t, n, strings.Count(dom, `<tbody class="finding `), "every finding has a row")
			assert.NotContains(t, dom, "<script>alert")

			if shots := os.Getenv("CUSTOS_SCREENSHOT_DIR"); shots != "" {
				png := filepath.Join(shots, c.name+".png")
				_, _ = runChromium(t, chromium, dir, "--screenshot="+png, "--window-size=1400,1800", "file://"+page)
				info, err := os.Stat(png)
				require.NoError(t, err)
				assert.Positive(t, info.Size())
			}
		})
	}

	// Filters preset from the fragment are applied by the script in the browser.
	t.Run("filters", func(t *testing.T) {
		r := cloudMixedReport()
		dir := t.TempDir()
		page := filepath.Join(dir, "custos.html")
		require.NoError(t, os.WriteFile(page, render(t, "html", r), 0o600))
		tests := []struct {
			fragment string
			want     int
		}{
			{fragment: "severity=high", want: 2},
			{fragment: "status=suppressed", want: 1},
			{fragment: "status=error&severity=medium", want: 1},
			{fragment: "rule=aws-kms-rotation-disabled", want: 2},
			{fragment: "q=legacy", want: 2},
			{fragment: "q=%3Cscript%3Ealert", want: 3}, // two names and one evidence value
			{fragment: "severity=low&status=suppressed", want: 0},
		}
		for _, tt := range tests {
			dom, log := runChromium(t, chromium, dir, "--dump-dom", "file://"+page+"#"+tt.fragment)
			assert.NotRegexp(t, cspViolation, log)
			assert.Equal(t, "Showing "+strconv.Itoa(tt.want)+" of "+strconv.Itoa(len(r.Findings))+" findings", shownText(dom), tt.fragment)
			assert.Len(t, hiddenRow.FindAllString(dom, -1), len(r.Findings)-tt.want, "hidden rows for %s", tt.fragment)
		}
	})

	// The same page with one character of the script hash changed: the browser must refuse
	// the script, which shows both that the CSP is enforced and that this test can fail.
	t.Run("tampered hash is blocked", func(t *testing.T) {
		dir := t.TempDir()
		out := string(render(t, "html", cloudMixedReport()))
		const marker = "script-src &#39;sha256-"
		i := strings.Index(out, marker)
		require.Positive(t, i, "CSP script-src in the page")
		at := i + len(marker)
		swap := "A"
		if out[at] == 'A' {
			swap = "B"
		}
		page := filepath.Join(dir, "tampered.html")
		require.NoError(t, os.WriteFile(page, []byte(out[:at]+swap+out[at+1:]), 0o600))
		dom, log := runChromium(t, chromium, dir, "--dump-dom", "file://"+page)
		assert.NotContains(t, dom, `data-custos-ready="true"`)
		assert.Regexp(t, cspViolation, log)
	})
}

func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// runChromium runs headless Chromium with no network, sync or updates, bounded by a timeout.
func runChromium(t *testing.T, chromium, dir string, args ...string) (dom, log string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + filepath.Join(dir, "profile"),
		"--enable-logging=stderr", "--v=0", // console messages, CSP violations among them, on stderr
	}
	cmd := exec.CommandContext(ctx, chromium, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, err, "chromium: %s", lastLines(stderr.String(), 20))
	return stdout.String(), stderr.String()
}

// shownText is the row count the script writes into the page.
func shownText(dom string) string {
	m := regexp.MustCompile(`<span id="shown"[^>]*>([^<]*)</span>`).FindStringSubmatch(dom)
	if m == nil {
		return "(no count element)"
	}
	return m[1]
}

// hiddenRow matches a finding's <tbody> the script has hidden.
var hiddenRow = regexp.MustCompile(`<tbody class="finding [^>]*\bhidden=`)

// cspViolation matches the console message Chromium logs when the CSP blocks something.
var cspViolation = regexp.MustCompile(`(?i)violates the following Content Security Policy|refused to (execute|apply|load)`)

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
