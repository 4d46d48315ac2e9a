package server

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
)

// crawlDepth is how many clicks from the home page the crawl follows.
const crawlDepth = 3

// crawlPerPattern is how many URLs of one shape (the same path with other
// IDs, the same query keys) the crawl reads: every kind of page is read,
// and a ranking of 500 cadres does not make 500 profile reads.
const crawlPerPattern = 3

var (
	hrefRE   = regexp.MustCompile(`(?i)href="([^"]*)"`)
	scriptRE = regexp.MustCompile(`(?is)<(script|style|code|template)\b.*?</(script|style|code|template)>`)
	// codeRE matches an element marked class="code": a code shown beside
	// its name where an administrator edits it, which is allowed.
	codeRE    = regexp.MustCompile(`(?s)<(span|td|dd|div|a)\b[^>]*class="[^"]*\bcode\b[^"]*"[^>]*>[^<]*(<a\b[^>]*>[^<]*</a>)?[^<]*</(span|td|dd|div|a)>`)
	tagRE     = regexp.MustCompile(`(?s)<[^>]*>`)
	rawIDRE   = regexp.MustCompile(`\b\d{12,}\b`)
	englishRE = regexp.MustCompile(`\b[A-Za-z]{3,}\b`)
	idPartRE  = regexp.MustCompile(`/\d+`)
)

// crawlAllowed are the Latin words a Chinese page may show: proper nouns
// and the names of formats and methods that Chinese officials use as is.
var crawlAllowed = map[string]bool{
	"English": true, "Kaohe": true, "Excel": true, "CSV": true, "PDF": true, "API": true, "JSON": true,
	"GDP": true, "AHP": true, "Saaty": true, "Monte": true, "Carlo": true, "SHA": true, "HMAC": true,
	"xlsx": true, "pdf": true, "UTF": true, "GBK": true, "JPEG": true, "PNG": true, "Word": true, "docx": true, "MiB": true,
}

// TestDemoCrawl signs in as each demo account and follows every link on
// every page reachable in three clicks from the home page: no page may
// answer 4xx or 5xx, show English outside proper nouns, or show a raw ID.
func TestDemoCrawl(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sum, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatalf("build demo: %v", err)
		}
		f := &fixture{db: d}
		f.start(t)
		for _, l := range sum.Logins {
			t.Run(l.Login, func(t *testing.T) {
				crawl(t, f, f.signInWith(t, l.Login, l.Password))
			})
		}
	})
}

type crawlLink struct {
	path, from string
	depth      int
}

func crawl(t *testing.T, f *fixture, c *http.Client) {
	seen := map[string]bool{"/": true}
	perPattern := map[string]int{}
	queue := []crawlLink{{path: "/"}}
	pages := 0
	for len(queue) > 0 {
		l := queue[0]
		queue = queue[1:]
		res, body := f.get(t, c, l.path)
		pages++
		if res.StatusCode >= 400 {
			t.Errorf("%s (linked from %s): status %d", l.path, l.from, res.StatusCode)
			continue
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			continue
		}
		text := visibleText(body)
		if ids := rawIDRE.FindAllString(text, 3); len(ids) > 0 {
			t.Errorf("%s: raw IDs on the page: %v", l.path, ids)
		}
		var english []string
		for _, w := range englishRE.FindAllString(text, -1) {
			if !crawlAllowed[w] && !slices.Contains(english, w) {
				english = append(english, w)
			}
		}
		if len(english) > 0 {
			t.Errorf("%s: English on a Chinese page: %v", l.path, english[:min(len(english), 8)])
		}
		if l.depth == crawlDepth {
			continue
		}
		for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
			next, ok := crawlTarget(l.path, html.UnescapeString(m[1]))
			if !ok || seen[next] {
				continue
			}
			seen[next] = true
			p := crawlPattern(next)
			if perPattern[p] >= crawlPerPattern {
				continue
			}
			perPattern[p]++
			queue = append(queue, crawlLink{path: next, from: l.path, depth: l.depth + 1})
		}
	}
	t.Logf("%d pages read", pages)
}

// crawlTarget resolves href on page from to a path of this server to
// crawl; false for other hosts, fragments, assets and language switches.
func crawlTarget(from, href string) (string, bool) {
	if href == "" || strings.HasPrefix(href, "#") || strings.HasPrefix(href, "mailto:") || strings.HasPrefix(href, "javascript:") {
		return "", false
	}
	base, _ := url.Parse(from)
	u, err := base.Parse(href)
	if err != nil || (u.Host != "" && u.Host != base.Host) || u.Scheme != "" && u.Host != "" {
		return "", false
	}
	if strings.HasPrefix(u.Path, "/static/") {
		return "", false
	}
	u.Fragment = ""
	return u.RequestURI(), true
}

// crawlPattern is the shape of a path: its numeric parts and query values
// replaced.
func crawlPattern(p string) string {
	u, _ := url.Parse(p)
	keys := make([]string, 0, len(u.Query()))
	for k := range u.Query() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return idPartRE.ReplaceAllString(u.Path, "/N") + "?" + strings.Join(keys, "&")
}

// visibleText is the text of a page a reader sees: no scripts, styles,
// code, tags or attributes.
func visibleText(body string) string {
	body = scriptRE.ReplaceAllString(body, " ")
	body = codeRE.ReplaceAllString(body, " ")
	return html.UnescapeString(tagRE.ReplaceAllString(body, " "))
}
